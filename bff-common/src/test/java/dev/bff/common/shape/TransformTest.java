package dev.bff.common.shape;

import static dev.bff.common.shape.Transform.chain;
import static dev.bff.common.shape.Transform.drop;
import static dev.bff.common.shape.Transform.each;
import static dev.bff.common.shape.Transform.limit;
import static dev.bff.common.shape.Transform.pick;
import static dev.bff.common.shape.Transform.rename;
import static dev.bff.common.shape.Transform.select;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Reshaping steps on JSON values: what they produce, and that they never change their input. */
class TransformTest {
  final JsonObject product = new JsonObject("""
      {"id":"7","name":"Lamp","price":19.9,"brand":"Hearthly",
       "images":{"thumbnail":{"url":"t.jpg","width":100},"large":{"url":"l.jpg","width":800}},
       "reviews":[{"author":"A","rating":5,"text":"good"},{"author":"B","rating":3,"text":"ok"},
                  {"author":"C","rating":4,"text":"fine"}]}
      """);
  final String before = product.encode();

  @Test
  void pickReadsANestedValueByJsonPointer() {
    assertThat(pick("/images/thumbnail/url").apply(product)).isEqualTo("t.jpg");
    assertThat(pick("/reviews/1/author").apply(product)).isEqualTo("B");
    assertThat(pick("/nothing/here").apply(product)).isNull();
    assertThat(pick("/name").apply(null)).isNull();
    assertThatThrownBy(() -> pick("no-slash")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void objectBuildsFieldsFromPointers() {
    java.util.Map<String, String> m = new java.util.LinkedHashMap<>();
    m.put("sku", "/id");
    m.put("thumbnail", "/images/thumbnail/url");
    m.put("nothing", "/x/y");
    JsonObject out = (JsonObject) Transform.object(m).apply(product);
    assertThat(out.encode()).isEqualTo("{\"sku\":\"7\",\"thumbnail\":\"t.jpg\"}");
    JsonArray many = (JsonArray) chain(pick("/reviews"), Transform.object(Map.of("by", "/author"))).apply(product);
    assertThat(many.encode()).isEqualTo("[{\"by\":\"A\"},{\"by\":\"B\"},{\"by\":\"C\"}]");
  }

  @Test
  void selectKeepsTheAllowListInItsOrder() {
    JsonObject out = (JsonObject) select("price", "name", "missing").apply(product);
    assertThat(out.fieldNames()).containsExactly("price", "name");
    assertThat(out.getString("name")).isEqualTo("Lamp");
  }

  @Test
  void dropRemovesTheDenyList() {
    JsonObject out = (JsonObject) drop("images", "reviews").apply(product);
    assertThat(out.fieldNames()).containsExactly("id", "name", "price", "brand");
  }

  @Test
  void renameKeepsThePlaceOfTheField() {
    JsonObject out = (JsonObject) rename(Map.of("brand", "maker", "id", "sku")).apply(product);
    assertThat(out.fieldNames()).startsWith("sku", "name", "price", "maker");
    assertThat(out.getString("maker")).isEqualTo("Hearthly");
  }

  @Test
  void fieldStepsOnAnArrayApplyToEachObject() {
    JsonArray out = (JsonArray) chain(pick("/reviews"), select("author", "rating")).apply(product);
    assertThat(out.encode()).isEqualTo("[{\"author\":\"A\",\"rating\":5},{\"author\":\"B\",\"rating\":3},"
        + "{\"author\":\"C\",\"rating\":4}]");
  }

  @Test
  void limitCutsAnArray() {
    assertThat(((JsonArray) chain(pick("/reviews"), limit(2)).apply(product)).size()).isEqualTo(2);
    assertThat(((JsonArray) chain(pick("/reviews"), limit(10)).apply(product)).size()).isEqualTo(3);
    assertThat(limit(1).apply("scalar")).isEqualTo("scalar");
  }

  @Test
  void eachMapsOverAnArrayAndLeavesOutElementsThatBecomeNull() {
    JsonArray urls = (JsonArray) chain(pick("/reviews"), each(pick("/author"))).apply(product);
    assertThat(urls.encode()).isEqualTo("[\"A\",\"B\",\"C\"]");
    JsonArray some = (JsonArray) each(pick("/x")).apply(new JsonArray("[{\"x\":1},{\"y\":2}]"));
    assertThat(some.encode()).isEqualTo("[1]");
  }

  @Test
  void noStepChangesItsInput() {
    chain(pick("/reviews"), limit(1), each(rename("author", "by")), drop("text")).apply(product);
    select("name").apply(product);
    drop("name").apply(product);
    rename("name", "title").apply(product);
    Transform.object(Map.of("n", "/name")).apply(product);
    assertThat(product.encode()).isEqualTo(before);
  }
}
