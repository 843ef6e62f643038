package io.coderunner.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.coderunner.server.TestServer.Res;
import io.coderunner.server.internal.DashboardRoutes;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** How the dashboard's page and assets are served: hashed, cached, gzipped, no stale asset. */
class DashboardAssetsIT {
  static TestServer t;

  @BeforeAll
  static void start() {
    t = new TestServer();
  }

  @AfterAll
  static void stop() {
    t.close();
  }

  private static String hashIn(String page) {
    Matcher m = Pattern.compile("/assets/([0-9a-f]{16})/app\\.js").matcher(page);
    assertThat(m.find()).as(page).isTrue();
    return m.group(1);
  }

  @Test
  void thePageIsNotCachedAndNamesItsAssetsByTheirHash() {
    for (String path : List.of("/", "/deployments/some-id")) {
      Res page = t.get(path, null);
      assertThat(page.status()).isEqualTo(200);
      assertThat(page.header("Content-Type")).isEqualTo("text/html; charset=utf-8");
      assertThat(page.header("Cache-Control")).isEqualTo("no-cache");
      assertThat(page.body())
          .contains("data-testid=\"login-username\"")
          .doesNotContain("<script>")
          .doesNotContain("style=");
      assertThat(hashIn(page.body())).isEqualTo(new DashboardRoutes().hash());
    }
  }

  @Test
  void anAssetIsCachedForAYearAndAStaleHashIs404() {
    String hash = hashIn(t.get("/", null).body());
    Res js = t.get("/assets/" + hash + "/app.js", null);
    assertThat(js.status()).isEqualTo(200);
    assertThat(js.header("Content-Type")).isEqualTo("text/javascript; charset=utf-8");
    assertThat(js.header("Cache-Control")).isEqualTo("public, max-age=31536000, immutable");
    assertThat(js.body()).contains("createSession");
    Res css = t.get("/assets/" + hash + "/app.css", null);
    assertThat(css.header("Content-Type")).isEqualTo("text/css; charset=utf-8");

    Res gz = t.call("GET", "/assets/" + hash + "/app.js", null, null, "Accept-Encoding", "gzip");
    assertThat(gz.header("Content-Encoding")).isEqualTo("gzip");

    Res stale = t.get("/assets/0123456789abcdef/app.js", null);
    assertThat(stale.status()).isEqualTo(404);
    assertThat(stale.json().get("detail").asText()).contains("reload the page");
    assertThat(t.get("/assets/" + hash + "/../pom.xml", null).status()).isEqualTo(404);
    assertThat(t.get("/assets/" + hash + "/nope.js", null).status()).isEqualTo(404);
    assertThat(t.get("/deployments/a/b", null).status()).isEqualTo(404);
  }

  @Test
  void theAssetListIsTheDirectoryAndStaysSmall() throws IOException {
    Path dir = Path.of("src/main/resources/io/coderunner/server/dashboard/assets");
    try (Stream<Path> files = Files.list(dir)) {
      assertThat(files.map(p -> p.getFileName().toString()))
          .containsExactlyInAnyOrderElementsOf(DashboardRoutes.ASSETS);
    }
    assertThat(new DashboardRoutes().gzippedBytes())
        .as("the page's own assets, gzipped")
        .isLessThan(200 * 1024);
  }
}
