package dev.bff.common.routing;

import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;

/**
 * What an endpoint answers: status, headers and a whole body. A JSON reply keeps its value until
 * the body is first asked for, so stages that reshape it (field selection) do not parse it again.
 */
public final class Reply {
  private final int status;
  private final MultiMap headers;
  private final Object value; // the JSON value of a JSON reply, else null
  private final Category problem; // the category of a problem reply, else null
  private final String detail;
  private Buffer body;

  private Reply(int status, MultiMap headers, Object value, Buffer body, Category problem, String detail) {
    this.status = status;
    this.headers = headers;
    this.value = value;
    this.body = body;
    this.problem = problem;
    this.detail = detail;
  }

  private Reply(int status, MultiMap headers, Object value, Buffer body) {
    this(status, headers, value, body, null, null);
  }

  /** A reply with a ready body. */
  public Reply(int status, MultiMap headers, Buffer body) {
    this(status, headers, null, body);
  }

  /** A 200 JSON reply of {@code value} (a JsonObject, JsonArray, record, map or list). */
  public static Reply json(Object value) {
    return json(200, value);
  }

  /** A JSON reply with the given status. */
  public static Reply json(int status, Object value) {
    MultiMap h = HttpHeaders.headers().set(HttpHeaders.CONTENT_TYPE, "application/json");
    return new Reply(status, h, value, null);
  }

  /** A reply with no body. */
  public static Reply status(int status) {
    return new Reply(status, HttpHeaders.headers(), Buffer.buffer());
  }

  /**
   * A problem+json reply of a category; {@code detail} must not carry internal addresses. The
   * gateway adds the request's path and id when it writes it.
   */
  public static Reply problem(Category category, String detail) {
    MultiMap h = HttpHeaders.headers().set(HttpHeaders.CONTENT_TYPE, Problem.MEDIA_TYPE)
        .set(HttpHeaders.CACHE_CONTROL, "no-store");
    return new Reply(category.status(), h, null, null, category, detail);
  }

  /** The category of a problem reply, or null. */
  public Category problem() {
    return problem;
  }

  /** The detail of a problem reply, or null. */
  public String problemDetail() {
    return detail;
  }

  /** The HTTP status. */
  public int status() {
    return status;
  }

  /** The response headers (mutable). */
  public MultiMap headers() {
    return headers;
  }

  /** The body, encoded from the JSON value on first use. */
  public Buffer body() {
    if (body == null) {
      body = problem != null ? Problem.body(problem, detail, null, null)
          : value == null ? Buffer.buffer("null") : Json.encodeToBuffer(value);
    }
    return body;
  }

  /**
   * The body as a JSON object when it is one (the value of a JSON reply, else the body parsed when
   * the content type is JSON), or null.
   */
  public JsonObject jsonObject() {
    if (value instanceof JsonObject o) {
      return o;
    }
    if (value != null || body == null) {
      return null;
    }
    String type = headers.get(HttpHeaders.CONTENT_TYPE);
    if (type == null || !type.startsWith("application/json")) {
      return null;
    }
    try {
      return body.toJsonObject();
    } catch (RuntimeException e) {
      return null;
    }
  }

  /** The same status and headers with another JSON value as the body. */
  public Reply withJson(Object json) {
    return new Reply(status, headers, json, null);
  }

  /** This reply with one more header set. */
  public Reply header(String name, String value) {
    headers.set(name, value);
    return this;
  }

  @Override
  public String toString() {
    return "Reply[" + status + " " + headers.get(HttpHeaders.CONTENT_TYPE) + "]";
  }
}
