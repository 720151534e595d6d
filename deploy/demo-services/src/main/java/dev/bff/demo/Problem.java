package dev.bff.demo;

/**
 * A client error found while reading a request (a bad parameter, an unknown id); the router's
 * failure handler turns it into a JSON error answer with its status.
 */
final class Problem extends RuntimeException {

  private final int status;
  private final String code;

  private Problem(int status, String code, String message) {
    super(message, null, false, false);
    this.status = status;
    this.code = code;
  }

  /** A 400 answer. */
  static Problem badRequest(String message) {
    return new Problem(400, "bad_request", message);
  }

  /** A 404 answer. */
  static Problem notFound(String message) {
    return new Problem(404, "not_found", message);
  }

  int status() {
    return status;
  }

  String code() {
    return code;
  }
}
