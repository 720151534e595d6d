package dev.bff.common.proxy;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.async.ByteArrayFeeder;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import java.io.IOException;

/**
 * Checks a JSON document as its bytes arrive, with Jackson's non-blocking parser and without
 * building a tree: it must be one well-formed UTF-8 JSON value nested at most {@code maxDepth}
 * levels deep. A problem is found as soon as the bytes show it, so a bad body need not be read to
 * its end.
 */
final class JsonScan {
  private static final JsonFactory JSON = new JsonFactory();

  private final JsonParser parser;
  private final ByteArrayFeeder feeder;
  private final int maxDepth;
  private int depth;
  private boolean complete;

  JsonScan(int maxDepth) {
    this.maxDepth = maxDepth;
    try {
      this.parser = JSON.createNonBlockingByteArrayParser();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    this.feeder = (ByteArrayFeeder) parser.getNonBlockingInputFeeder();
  }

  /** Scans the next bytes; returns what is wrong so far, or null. */
  String feed(byte[] bytes) {
    try {
      feeder.feedInput(bytes, 0, bytes.length);
    } catch (IOException e) {
      return "the request body is not valid JSON";
    }
    return drain();
  }

  /** Ends the document; returns what is wrong with it, or null when it is one complete JSON value. */
  String end() {
    feeder.endOfInput();
    String bad = drain();
    if (bad == null && !complete) {
      bad = "the request body is not a complete JSON value";
    }
    try {
      parser.close();
    } catch (IOException ignored) {
      // a byte-array parser holds nothing to release
    }
    return bad;
  }

  private String drain() {
    try {
      for (JsonToken t = parser.nextToken(); t != null && t != JsonToken.NOT_AVAILABLE; t = parser.nextToken()) {
        if (complete) {
          return "the request body has more after its JSON value";
        }
        if (t == JsonToken.START_OBJECT || t == JsonToken.START_ARRAY) {
          if (++depth > maxDepth) {
            return "the request body nests objects and arrays deeper than " + maxDepth + " levels";
          }
        } else if (t == JsonToken.END_OBJECT || t == JsonToken.END_ARRAY) {
          depth--;
        }
        complete = depth == 0;
      }
      return null;
    } catch (StreamConstraintsException e) {
      return "the request body exceeds the JSON parser's limits (number or string length)";
    } catch (IOException e) {
      return "the request body is not valid JSON";
    }
  }
}
