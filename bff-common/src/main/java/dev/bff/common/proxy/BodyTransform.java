package dev.bff.common.proxy;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.bff.common.config.TransformConfig;
import dev.bff.common.upstream.UpstreamResponse;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import java.io.IOException;
import java.util.List;
import java.util.Locale;

/**
 * The {@code transform} of one proxied route, compiled once: which request and response bodies it
 * edits (JSON ones: {@code application/json} or a {@code +json} type), what that changes in their
 * headers, and the edit of a whole body (parse, edit, write). Answers edited are the 2xx ones with
 * a body (not 204, 205 or 206); they lose the validators and digests that described the upstream's
 * bytes, and so do 304s, which would otherwise bring them back.
 */
final class BodyTransform {
  /** Headers that describe the exact bytes of a body, which an edit changes. */
  private static final List<String> BYTE_VALIDATORS = List.of("etag", "content-md5", "digest", "content-digest",
      "repr-digest", "accept-ranges", "content-range");

  private final JsonEdits request; // null: request bodies stream through
  private final JsonEdits response; // null: answers stream through

  private BodyTransform(JsonEdits request, JsonEdits response) {
    this.request = request;
    this.response = response;
  }

  /** The compiled transform, or null when {@code config} is null. */
  static BodyTransform of(TransformConfig config) {
    if (config == null) {
      return null;
    }
    return new BodyTransform(config.editsRequests() ? JsonEdits.compile(config.request()) : null,
        config.editsResponses() ? JsonEdits.compile(config.response()) : null);
  }

  /** Whether request bodies of {@code contentType} are edited. */
  boolean editsRequest(String contentType) {
    return request != null && isJson(contentType);
  }

  /** Whether the route edits answers (then every upstream request asks for whole, unencoded ones). */
  boolean editsAnswers() {
    return response != null;
  }

  /**
   * Prepares the headers of an upstream request: digests of a body that is edited go (they describe
   * the client's bytes), and when answers are edited the upstream is asked for whole, unencoded ones
   * (the proxy neither decodes nor joins ranges).
   */
  void prepare(MultiMap upstreamRequestHeaders) {
    if (editsRequest(upstreamRequestHeaders.get(HttpHeaders.CONTENT_TYPE))) {
      upstreamRequestHeaders.remove("content-md5").remove("digest").remove("content-digest").remove("repr-digest");
    }
    if (response != null) {
      upstreamRequestHeaders.set(HttpHeaders.ACCEPT_ENCODING, HttpHeaders.IDENTITY)
          .remove("range").remove("if-range");
    }
  }

  /** Whether the body of an answer is edited: a 2xx with a body (not 204, 205, 206, nor to HEAD), of a JSON type. */
  boolean editsAnswer(int status, HttpMethod method, MultiMap headers) {
    return response != null && method != HttpMethod.HEAD && hasJsonBody(status, headers);
  }

  /**
   * The head of an answer as the proxy passes it on: for an edited answer (or its HEAD) a copy without
   * {@code Content-Length} and the byte validators, for a 304 a copy without the validators; else
   * {@code upstream} itself.
   */
  MultiMap answerHead(int status, HttpMethod method, MultiMap upstream) {
    boolean edited = response != null && hasJsonBody(status, upstream);
    if (!edited && (response == null || status != 304)) {
      return upstream;
    }
    MultiMap h = HttpHeaders.headers().addAll(upstream);
    for (String v : BYTE_VALIDATORS) {
      h.remove(v);
    }
    if (edited) {
      h.remove(HttpHeaders.CONTENT_LENGTH);
    }
    return h;
  }

  /** Edits a JSON request body; an empty one stays empty. */
  Buffer editRequest(Buffer body) throws NotJson {
    return edit(request, body);
  }

  /** Edits a JSON answer's body. */
  Buffer editAnswer(Buffer body) throws NotJson {
    return edit(response, body);
  }

  /**
   * A whole answer (a background refresh of the cache) as a client would get it: edited when
   * {@link #editsAnswer} says so, with its head from {@link #answerHead} and its own length.
   */
  UpstreamResponse editAnswer(UpstreamResponse r, HttpMethod method) throws NotJson {
    MultiMap head = answerHead(r.status(), method, r.headers());
    if (!editsAnswer(r.status(), method, r.headers())) {
      return head == r.headers() ? r : new UpstreamResponse(r.status(), head, r.body());
    }
    String coding = coding(r.headers());
    if (coding != null) {
      throw new NotJson("content-coded (" + coding + ") although identity was asked for", null);
    }
    Buffer body = editAnswer(r.body());
    head.set(HttpHeaders.CONTENT_LENGTH, Integer.toString(body.length()));
    return new UpstreamResponse(r.status(), head, body);
  }

  /** The content coding of a body other than identity, or null. */
  static String coding(MultiMap headers) {
    String c = headers.get(HttpHeaders.CONTENT_ENCODING);
    return c == null || c.isBlank() || c.trim().equalsIgnoreCase("identity") ? null : c.trim();
  }

  /** Whether a {@code Content-Type} value names JSON: {@code application/json} or a {@code +json} type. */
  static boolean isJson(String contentType) {
    if (contentType == null) {
      return false;
    }
    int semi = contentType.indexOf(';');
    String type = (semi < 0 ? contentType : contentType.substring(0, semi)).trim().toLowerCase(Locale.ROOT);
    int slash = type.indexOf('/');
    return slash > 0 && (type.equals("application/json") || type.endsWith("+json") && type.length() > slash + 6);
  }

  private static boolean hasJsonBody(int status, MultiMap headers) {
    return status >= 200 && status < 300 && status != 204 && status != 205 && status != 206
        && isJson(headers.get(HttpHeaders.CONTENT_TYPE));
  }

  private static Buffer edit(JsonEdits edits, Buffer body) throws NotJson {
    if (body.length() == 0) {
      return body;
    }
    JsonNode tree;
    try {
      tree = JsonEdits.JSON.readTree(body.getBytes());
    } catch (JsonProcessingException e) {
      throw new NotJson("not valid JSON", e);
    } catch (IOException e) {
      throw new NotJson("not readable as JSON", e);
    }
    edits.apply(tree);
    try {
      return Buffer.buffer(JsonEdits.JSON.writeValueAsBytes(tree));
    } catch (JsonProcessingException e) {
      throw new NotJson("not writable as JSON", e);
    }
  }

  @Override
  public String toString() {
    return "transform" + (request == null ? "" : " request" + request) + (response == null ? "" : " response" + response);
  }

  /** A body that cannot be edited: not JSON, or coded. The message says why without quoting the body. */
  static final class NotJson extends Exception {
    NotJson(String message, Throwable cause) {
      super(message, cause, false, false);
    }

    /** What the parser said (position included), for the log. */
    String parserMessage() {
      return getCause() instanceof JsonProcessingException j ? j.getOriginalMessage() : String.valueOf(getCause());
    }
  }
}
