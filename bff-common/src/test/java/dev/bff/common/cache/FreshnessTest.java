package dev.bff.common.cache;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bff.common.config.RouteCacheConfig;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Parsing {@code Cache-Control} and the lifetimes it gives, with explicit times (no clock). */
class FreshnessTest {
  static final RouteCacheConfig ROUTE = new RouteCacheConfig(Duration.ofSeconds(30), Duration.ofSeconds(5), null,
      RouteCacheConfig.Query.ALL, List.of(), List.of(), false, RouteCacheConfig.DEFAULT_STATUSES, "Surrogate-Key",
      Set.of("GET", "HEAD"), RouteCacheConfig.ClientCacheControl.IGNORE, true, Duration.ofSeconds(5));

  static Directives cc(String... lines) {
    return Directives.parse(List.of(lines));
  }

  @Test
  void directivesAreReadFromEveryLineCaseInsensitivelyWithQuotedValues() {
    Directives d = cc("Public, MAX-AGE=\"60\"", "s-maxage=120, stale-while-revalidate=30",
        "no-cache=\"Set-Cookie, X-A\", private=\"X-B\", proxy-revalidate, stale-if-error=600, x-ext=1");
    assertThat(d.isPublic()).isTrue();
    assertThat(d.maxAge()).isEqualTo(60);
    assertThat(d.sMaxAge()).isEqualTo(120);
    assertThat(d.staleWhileRevalidate()).isEqualTo(30);
    assertThat(d.staleIfError()).isEqualTo(600);
    assertThat(d.noCache()).as("with field names: the whole response, to be safe").isTrue();
    assertThat(d.isPrivate()).isTrue();
    assertThat(d.mustRevalidate()).isTrue();
    assertThat(cc("max-age=abc").maxAge()).as("an invalid max-age means stale").isZero();
    assertThat(cc("max-age=99999999999999").maxAge()).isEqualTo(Integer.MAX_VALUE);
    assertThat(cc("stale-while-revalidate=x").staleWhileRevalidate()).isEqualTo(-1);
    assertThat(Directives.parse(List.of())).isEqualTo(Directives.NONE);
  }

  @Test
  void sMaxAgeWinsThenMaxAgeThenExpiresThenTheRoutesTtl() {
    long now = 1_000_000;
    assertThat(Freshness.of(cc("max-age=10, s-maxage=20"), null, null, null, ROUTE, now).fresh()).isEqualTo(20_000);
    assertThat(Freshness.of(cc("max-age=10, s-maxage=20"), null, null, null, ROUTE, now).mustRevalidate())
        .as("s-maxage implies proxy-revalidate").isTrue();
    assertThat(Freshness.of(cc("max-age=10"), "Thu, 01 Jan 2026 00:00:00 GMT", null, null, ROUTE, now).fresh())
        .isEqualTo(10_000);
    assertThat(Freshness.of(Directives.NONE, "Thu, 01 Jan 2026 00:01:00 GMT", "Thu, 01 Jan 2026 00:00:00 GMT", null,
        ROUTE, now).fresh()).as("Expires - Date").isEqualTo(60_000);
    assertThat(Freshness.of(Directives.NONE, "0", "Thu, 01 Jan 2026 00:00:00 GMT", null, ROUTE, now).fresh()).isZero();
    assertThat(Freshness.of(Directives.NONE, null, null, null, ROUTE, now).fresh()).isEqualTo(30_000);
  }

  @Test
  void staleWindowsComeFromTheResponseElseTheRouteAndMustRevalidateClosesThem() {
    Freshness f = Freshness.of(cc("max-age=10"), null, null, "4", ROUTE, 0);
    assertThat(f.initialAge()).isEqualTo(4_000);
    assertThat(f.swr()).as("the route's default").isEqualTo(5_000);
    assertThat(f.isFresh(9_999)).isTrue();
    assertThat(f.isFresh(10_000)).isFalse();
    assertThat(f.servableWhileRevalidating(14_999)).isTrue();
    assertThat(f.servableWhileRevalidating(15_000)).isFalse();
    assertThat(f.servableOnError(10_001)).as("no stale-if-error anywhere").isFalse();
    Freshness own = Freshness.of(cc("max-age=10, stale-while-revalidate=1, stale-if-error=100"), null, null, null, ROUTE, 0);
    assertThat(own.swr()).isEqualTo(1_000);
    assertThat(own.servableOnError(109_000)).isTrue();
    Freshness strict = Freshness.of(cc("max-age=10, must-revalidate, stale-if-error=100"), null, null, null, ROUTE, 0);
    assertThat(strict.servableOnError(10_001)).isFalse();
    assertThat(strict.keep(false, 60_000)).isEqualTo(10_000);
    assertThat(strict.keep(true, 60_000)).as("kept to be revalidated").isEqualTo(70_000);
    Freshness noCache = Freshness.of(cc("no-cache, max-age=60"), null, null, null, ROUTE, 0);
    assertThat(noCache.isFresh(0)).isFalse();
  }
}
