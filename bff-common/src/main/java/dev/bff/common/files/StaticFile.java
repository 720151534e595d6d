package dev.bff.common.files;

import io.vertx.core.Future;
import io.vertx.core.http.HttpServerResponse;

/** A file a static route found for a request: what its headers say, and how its bytes are sent. */
public interface StaticFile {
  /** Its size in bytes. */
  long size();

  /** When it last changed, in milliseconds since the epoch. */
  long lastModified();

  /** The opaque part of its entity tag, without quotes (it changes whenever the content may have). */
  String tag();

  /** Its {@code Content-Type}. */
  String mediaType();

  /**
   * Sends {@code length} bytes from {@code offset} as the body of {@code response}, whose status and
   * headers are set but not written, and ends it.
   *
   * @param headFirst write the head alone before any byte of the body: the HTTP/1.1 compressor decides
   *                  by the first thing it is given, which must not be an empty body part
   */
  Future<Void> send(HttpServerResponse response, long offset, long length, boolean headFirst);
}
