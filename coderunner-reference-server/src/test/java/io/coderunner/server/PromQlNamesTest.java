package io.coderunner.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class PromQlNamesTest {
  @Test
  void histogramQuantileReadsOnlyTheBucketSeries() {
    assertThat(
            PromQlNames.of(
                "histogram_quantile(0.99, sum by (job, instance, le) ("
                    + "rate(coderunner_ws_delivery_latency_seconds_bucket{job=\"coderunner\"}[5m])"
                    + ")) > 0.01"))
        .containsExactly("coderunner_ws_delivery_latency_seconds_bucket");
  }

  @Test
  void aRatioReadsBothSidesAndSkipsItsLabelLists() {
    assertThat(
            PromQlNames.of(
                """
                sum by (job, instance) (
                  rate(coderunner_logs_retained_bytes{job="coderunner", outcome="SERVER_ERROR"}[5m])
                )
                /
                sum without (route) (rate(coderunner_logs_budget_bytes[5m]))
                > 0.9
                """))
        .containsExactly("coderunner_logs_budget_bytes", "coderunner_logs_retained_bytes");
  }

  @Test
  void comparisonsWithBoolAndNumbersReadNoNameButTheSeries() {
    assertThat(
            PromQlNames.of(
                "max_over_time(coderunner_health_breaker_state{job=\"coderunner\"}[2m]) == 2"))
        .containsExactly("coderunner_health_breaker_state");
    assertThat(PromQlNames.of("up == bool 0")).containsExactly("up");
    assertThat(PromQlNames.of("a * 1e3 + 0x1F - 1.5 + Inf - NaN + .5")).containsExactly("a");
  }

  @Test
  void aFallbackVectorIsAFunctionNotAName() {
    assertThat(PromQlNames.of("sum(rate(coderunner_ws_resumes_total[5m])) or vector(0)"))
        .containsExactly("coderunner_ws_resumes_total");
  }

  @Test
  void regexMatchersWithBracesAndQuotesAreSkipped() {
    assertThat(
            PromQlNames.of(
                "coderunner_http_server_requests_seconds_count{route!~\"/api/deployments/\\\\{id\\\\}"
                    + "|/health.*\", reason!~'expired|refresh_expired', code=`4008`}"))
        .containsExactly("coderunner_http_server_requests_seconds_count");
  }

  @Test
  void vectorMatchingReadsBothSidesButNotItsLabels() {
    assertThat(
            PromQlNames.of(
                "coderunner_ws_connections * on(instance) group_left(version) build_info"
                    + " unless ignoring(code) group_right coderunner_ws_closes_total"))
        .containsExactly("build_info", "coderunner_ws_closes_total", "coderunner_ws_connections");
  }

  @Test
  void aggregationsWithParametersAndStringArgumentsReadOnlyTheirSeries() {
    assertThat(
            PromQlNames.of(
                "topk(5, count_values(\"version\", build_info)) + quantile(0.9, cpu)"
                    + " + label_replace(jvm_info, \"dst\", \"$1\", \"src\", \"(.*)\")"))
        .containsExactly("build_info", "cpu", "jvm_info");
    assertThat(PromQlNames.of("SUM BY (le) (x_bucket) AND Y")).containsExactly("Y", "x_bucket");
  }

  @Test
  void offsetsSubqueriesAndModifiersAreNotNames() {
    assertThat(
            PromQlNames.of(
                "rate(a_total[5m] offset 1h) - max_over_time(rate(b_total[1m])[30m:1m]) @ start()"))
        .containsExactly("a_total", "b_total");
  }

  @Test
  void grafanaVariablesAreNotNames() {
    assertThat(
            PromQlNames.of(
                "sum by (code) (rate(coderunner_ws_closes_total{job=\"coderunner\","
                    + " instance=~\"$instance\"}[$__rate_interval])) * ${factor}"))
        .containsExactly("coderunner_ws_closes_total");
  }

  @Test
  void aNameGivenAsAMatcherCounts() {
    assertThat(PromQlNames.of("{__name__=\"up\", job=\"coderunner\"} == 0")).containsExactly("up");
    assertThat(PromQlNames.of("{__name__=~\"up|down\"}")).isEmpty();
  }

  @Test
  void recordingRuleNamesWithColonsAreNames() {
    assertThat(PromQlNames.of("job:coderunner_lines:rate5m > 1"))
        .containsExactly("job:coderunner_lines:rate5m");
  }

  @Test
  void commentsAreSkipped() {
    assertThat(PromQlNames.of("a # and b\n+ c")).containsExactly("a", "c");
  }

  @Test
  void aMadeUpNameIsReported() {
    assertThat(
            PromQlNames.of(
                "sum(rate(coderunner_ws_lines_sent_total[5m]))"
                    + " / sum(rate(coderunner_made_up_lines_total[5m]))"))
        .containsExactly("coderunner_made_up_lines_total", "coderunner_ws_lines_sent_total");
  }

  @Test
  void anUnterminatedStringOrMatcherIsRefused() {
    assertThatThrownBy(() -> PromQlNames.of("up{job=\"coderunner}"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("unterminated");
    assertThatThrownBy(() -> PromQlNames.of("rate(x[5m)"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("unterminated");
  }
}
