// The example app with its traces going to Jaeger. One command, from the repository root:
//
//   OTEL_SERVICE_NAME=corelens-example node --import corelens/instrumentation examples/jaeger/server.mjs
//
// It is the tenant-header example's server (see examples/tenant-header/server.mjs):
// `--import corelens/instrumentation` is what sends its spans over OTLP/HTTP
// to http://localhost:4318, where docker-compose.yml's Jaeger listens.
import "../tenant-header/server.mjs";
