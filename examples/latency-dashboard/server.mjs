// The example app with its metrics on a Prometheus endpoint. One command, from the repository root:
//
//   OTEL_TRACES_EXPORTER=none node --import corelens/instrumentation examples/latency-dashboard/server.mjs
//
// It is the tenant-header example's server (see examples/tenant-header/server.mjs):
// `--import corelens/instrumentation` serves the metrics on
// http://0.0.0.0:9464/metrics (OTEL_EXPORTER_PROMETHEUS_HOST / _PORT), which
// prometheus.yml scrapes.
import "../tenant-header/server.mjs";
