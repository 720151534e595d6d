package dev.bff.partner;

import dev.bff.common.routing.BffRequest;
import dev.bff.common.routing.Category;
import dev.bff.common.routing.Reply;
import dev.bff.common.routing.Stage;
import io.vertx.core.Future;
import java.util.regex.Pattern;

/**
 * The {@code page} and {@code size} of a partner list request: {@code page} 1 to
 * {@value #MAX_PAGE} (default 1), {@code size} 1 to {@value #MAX_SIZE} (default
 * {@value #DEFAULT_SIZE}); plain decimal digits only. A present but empty value is invalid.
 *
 * @param page the 1-based page
 * @param size items per page
 */
record Paging(int page, int size) {
  static final int MAX_PAGE = 10_000;
  static final int MAX_SIZE = 50;
  static final int DEFAULT_SIZE = 20;
  private static final Pattern DIGITS = Pattern.compile("[0-9]{1,6}");
  private static final int INVALID = -1;

  /**
   * Answers 400 naming the parameter when page or size is not valid, before any upstream is
   * called; otherwise goes on.
   */
  static final Stage CHECK = (r, next) -> {
    String problem = problem(r);
    return problem == null ? next.handle(r) : Future.succeededFuture(Reply.problem(Category.BAD_REQUEST, problem));
  };

  /** The paging of a request that passed {@link #CHECK}. */
  static Paging of(BffRequest r) {
    return new Paging(value(r, "page", 1, MAX_PAGE), value(r, "size", DEFAULT_SIZE, MAX_SIZE));
  }

  /** What is wrong with the request's paging, or null. */
  static String problem(BffRequest r) {
    if (value(r, "page", 1, MAX_PAGE) == INVALID) {
      return "query parameter 'page' must be an integer from 1 to " + MAX_PAGE;
    }
    if (value(r, "size", DEFAULT_SIZE, MAX_SIZE) == INVALID) {
      return "query parameter 'size' must be an integer from 1 to " + MAX_SIZE;
    }
    return null;
  }

  private static int value(BffRequest r, String name, int absent, int max) {
    String raw = r.query(name);
    if (raw == null) {
      return absent;
    }
    if (!DIGITS.matcher(raw).matches()) {
      return INVALID;
    }
    int v = Integer.parseInt(raw);
    return v >= 1 && v <= max ? v : INVALID;
  }
}
