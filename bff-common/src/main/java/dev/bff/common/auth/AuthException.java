package dev.bff.common.auth;

import dev.bff.common.routing.Category;

/**
 * Why a request could not be authenticated: a category (401, or 503 when no keys are available)
 * and a detail safe to send (never the token).
 */
public final class AuthException extends RuntimeException {
  private final Category category;

  AuthException(Category category, String detail) {
    super(detail, null, false, false);
    this.category = category;
  }

  /** The category the answer takes. */
  public Category category() {
    return category;
  }

  static AuthException invalid(String detail) {
    return new AuthException(Category.UNAUTHORIZED, detail);
  }
}
