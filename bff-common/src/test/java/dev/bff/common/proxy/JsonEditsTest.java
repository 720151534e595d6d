package dev.bff.common.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bff.common.config.TransformConfig.Edit;
import dev.bff.common.config.TransformConfig.Kind;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The compiled body edits on their own: paths, arrays, order, missing fields, literals and numbers. */
class JsonEditsTest {
  private static String run(String json, Edit... edits) throws Exception {
    JsonNode tree = JsonEdits.JSON.readTree(json);
    JsonEdits.compile(List.of(edits)).apply(tree);
    return JsonEdits.JSON.writeValueAsString(tree);
  }

  private static Edit rename(String path, String to) {
    return new Edit(Kind.RENAME, path, to, null);
  }

  private static Edit move(String path, String to) {
    return new Edit(Kind.MOVE, path, to, null);
  }

  private static Edit copy(String path, String to) {
    return new Edit(Kind.COPY, path, to, null);
  }

  private static Edit remove(String path) {
    return new Edit(Kind.REMOVE, path, null, null);
  }

  private static Edit add(String path, Object value) {
    return new Edit(Kind.ADD, path, null, value);
  }

  @Test
  void v2PricesBecomeV1PricesKeepingTheNumbersAsWritten() throws Exception {
    String v2 = "{\"id\":\"7\",\"unitPrice\":{\"amount\":19.90,\"currency\":\"EUR\"},\"internalCode\":\"x\"}";
    assertThat(run(v2, move("unitPrice.amount", "price"), move("unitPrice.currency", "currency"),
        remove("unitPrice"), remove("internalCode"), add("version", "v1")))
        .isEqualTo("{\"id\":\"7\",\"price\":19.90,\"currency\":\"EUR\",\"version\":\"v1\"}");
  }

  @Test
  void v1PricesBecomeV2PricesCreatingTheObject() throws Exception {
    assertThat(run("{\"price\":12345678901234567890.5,\"currency\":\"EUR\",\"qty\":12345678901234567890}",
        move("price", "unitPrice.amount"), move("currency", "unitPrice.currency")))
        .isEqualTo("{\"unitPrice\":{\"amount\":12345678901234567890.5,\"currency\":\"EUR\"},\"qty\":12345678901234567890}");
  }

  @Test
  void aRootArrayIsEditedElementByElement() throws Exception {
    assertThat(run("[{\"price\":1},{\"price\":2},{\"other\":3},4,[{\"price\":5}]]", rename("price", "cost")))
        .isEqualTo("[{\"cost\":1},{\"cost\":2},{\"other\":3},4,[{\"cost\":5}]]");
  }

  @Test
  void aPathThroughAnArrayAppliesToEachElement() throws Exception {
    String page = "{\"items\":[{\"id\":1,\"unitPrice\":{\"amount\":1.50}},{\"id\":2,\"unitPrice\":{\"amount\":2}}],"
        + "\"total\":2}";
    assertThat(run(page, move("items.unitPrice.amount", "items.price"), remove("items.unitPrice"),
        add("items.v", 1)))
        .isEqualTo("{\"items\":[{\"id\":1,\"price\":1.50,\"v\":1},{\"id\":2,\"price\":2,\"v\":1}],\"total\":2}");
  }

  @Test
  void renameKeepsTheFieldsPlaceAndReplacesOneOfTheNewName() throws Exception {
    assertThat(run("{\"a\":1,\"price\":2,\"cost\":0,\"z\":3}", rename("price", "cost")))
        .isEqualTo("{\"a\":1,\"cost\":2,\"z\":3}");
    assertThat(run("{\"lines\":[{\"id\":\"7\",\"n\":1}]}", rename("lines", "items"), rename("items.id", "productId")))
        .isEqualTo("{\"items\":[{\"productId\":\"7\",\"n\":1}]}");
  }

  @Test
  void missingFieldsAreSkipped() throws Exception {
    String body = "{\"a\":{\"b\":1},\"s\":\"text\",\"n\":null}";
    assertThat(run(body, move("x.y", "z"), rename("q", "r"), remove("a.c"), remove("s.t"), copy("n.m", "k"),
        move("a.b.c", "d"))).isEqualTo(body);
  }

  @Test
  void aMoveThatCannotBeWrittenLeavesTheValueWhereItWas() throws Exception {
    assertThat(run("{\"a\":1,\"b\":[1,2]}", move("a", "b.c"))).isEqualTo("{\"a\":1,\"b\":[1,2]}");
    assertThat(run("{\"a\":1,\"b\":\"x\"}", move("a", "b.c"))).isEqualTo("{\"a\":1,\"b\":\"x\"}");
  }

  @Test
  void aMoveCanFlattenOrWrapAValue() throws Exception {
    assertThat(run("{\"total\":{\"amount\":3,\"currency\":\"EUR\"}}", move("total.currency", "currency"),
        move("total.amount", "total"))).isEqualTo("{\"currency\":\"EUR\",\"total\":3}");
    assertThat(run("{\"a\":1,\"total\":3,\"z\":2}", move("total", "total.amount")))
        .isEqualTo("{\"a\":1,\"total\":{\"amount\":3},\"z\":2}");
  }

  @Test
  void aFieldAMoveAddsTakesThePlaceOfTheFieldItCameFrom() throws Exception {
    assertThat(run("{\"id\":1,\"unitPrice\":{\"amount\":2,\"currency\":\"EUR\"},\"name\":\"n\"}",
        move("unitPrice.amount", "price"), move("unitPrice.currency", "currency"), remove("unitPrice")))
        .isEqualTo("{\"id\":1,\"price\":2,\"currency\":\"EUR\",\"name\":\"n\"}");
    assertThat(run("{\"id\":1,\"price\":2,\"currency\":\"EUR\",\"name\":\"n\"}",
        move("price", "unitPrice.amount"), move("currency", "unitPrice.currency")))
        .isEqualTo("{\"id\":1,\"unitPrice\":{\"amount\":2,\"currency\":\"EUR\"},\"name\":\"n\"}");
    assertThat(run("{\"a\":1,\"price\":2,\"b\":3}", move("price", "cost")))
        .isEqualTo("{\"a\":1,\"cost\":2,\"b\":3}");
    assertThat(run("{\"cost\":0,\"price\":2}", move("price", "cost"))).as("an existing field keeps its place")
        .isEqualTo("{\"cost\":2}");
  }

  @Test
  void copyLeavesTheSourceAndCopiesDeeply() throws Exception {
    JsonNode tree = JsonEdits.JSON.readTree("{\"a\":{\"b\":1}}");
    JsonEdits.compile(List.of(copy("a", "c"), add("c.b", 2))).apply(tree);
    assertThat(JsonEdits.JSON.writeValueAsString(tree)).isEqualTo("{\"a\":{\"b\":1},\"c\":{\"b\":2}}");
  }

  @Test
  void addSetsLiteralsOfEveryKindAndEachGetsItsOwnCopy() throws Exception {
    JsonObject meta = new JsonObject().put("source", "v1").put("tags", new JsonArray().add("x"));
    assertThat(run("[{},{\"version\":0}]", add("version", "v1"), add("n", 1.5), add("ok", true), add("meta", meta),
        add("none", null), add("meta.tags", new JsonArray().add("y"))))
        .isEqualTo("[{\"version\":\"v1\",\"n\":1.5,\"ok\":true,\"meta\":{\"source\":\"v1\",\"tags\":[\"y\"]},\"none\":null},"
            + "{\"version\":\"v1\",\"n\":1.5,\"ok\":true,\"meta\":{\"source\":\"v1\",\"tags\":[\"y\"]},\"none\":null}]");
    assertThat(meta.getJsonArray("tags")).containsExactly("x");
  }

  @Test
  void addCreatesMissingObjectsButNeverReplacesAValue() throws Exception {
    assertThat(run("{\"a\":null}", add("a.b.c", 1))).isEqualTo("{\"a\":{\"b\":{\"c\":1}}}");
    assertThat(run("{\"a\":5}", add("a.b", 1))).isEqualTo("{\"a\":5}");
  }

  @Test
  void scalarsAtTheRootAreLeftAlone() throws Exception {
    assertThat(run("\"text\"", add("a", 1), remove("b"))).isEqualTo("\"text\"");
    assertThat(run("42", rename("a", "b"))).isEqualTo("42");
  }
}
