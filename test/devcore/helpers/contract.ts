/**
 * The CDI contract check: a response from the dev core must validate against
 * the response schema of its operation in the CDI 5.3 OpenAPI spec.
 *
 * Validator: Ajv 8 (the maintained reference JSON Schema validator; it
 * understands OpenAPI 3.0's `nullable`), with the YAML loaded by `yaml`.
 * The whole spec is registered with Ajv under one id and each operation's
 * schema is compiled as a `$ref` into it, so the spec's own
 * `#/components/...` references resolve without a separate dereferencing step.
 *
 * Path mapping: spec paths are written `/appid-<appId>/<tenantId>/recipe/...`
 * with both prefixes optional (an app API without `<tenantId>` still accepts
 * the tenant segment, answering 403 unless it is public); some duplicate keys are told apart with
 * invisible U+2800 characters, which are dropped. A request path matches a
 * template when it fits with or without each prefix; among matching templates
 * that define the method, the ones with the longest literal part win, and the
 * response must validate against at least one of their operations.
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { Ajv, type ValidateFunction } from "ajv";
import { parse } from "yaml";
import type { Exchange } from "../../../src/devcore/server.js";

const SPEC_ID = "cdi";
const specPath = fileURLToPath(new URL("../spec/cdi-api-5.3.yaml", import.meta.url));

interface Operation {
  template: string;
  method: string;
  responses: Record<string, unknown>;
}

interface Template {
  template: string;
  regex: RegExp;
  literalLength: number;
  operations: Map<string, Operation>;
}

export interface ContractViolation {
  exchange: Exchange;
  reason: string;
}

/** Statuses the CDI defines once, for every API, in components/responses. */
const GENERIC_STATUSES = ["400", "401", "402", "404", "405", "500"];

export class CdiContract {
  private readonly spec: { paths: Record<string, Record<string, { responses?: Record<string, unknown> }>>; components: { responses: Record<string, unknown> } };
  private readonly ajv = new Ajv({ strict: false, allErrors: false, validateFormats: false });
  private readonly templates: Template[] = [];
  private readonly compiled = new Map<string, ValidateFunction>();

  constructor() {
    this.spec = parse(readFileSync(specPath, "utf8"), { uniqueKeys: false }) as CdiContract["spec"];
    this.ajv.addSchema(this.spec as object, SPEC_ID);
    for (const [rawTemplate, methods] of Object.entries(this.spec.paths)) {
      const template = rawTemplate.replace(/\u2800/g, "");
      let entry = this.templates.find((t) => t.template === template);
      if (!entry) {
        const body = template.replace(/^\/appid-<appId>/, "").replace(/^\/<tenantId>/, "");
        const literal = body === "/" ? "" : body.replace(/\/$/, "");
        // Both prefixes are optional on every app API; one without <tenantId> may still be called as
        // /<tenantId>/... (the core then answers 403 for a non-public tenant). Reserved words are never tenants.
        const appScoped = template.startsWith("/appid-<appId>");
        const appPart = appScoped ? "(?:/appid-[a-z0-9-]*)?" : "";
        const tenantPart = appScoped ? "(?:/(?!(?:recipe|config|users|hello)(?:/|$))[a-z0-9-]+)?" : "";
        const regex = new RegExp(`^${appPart}${tenantPart}${escapeRegex(literal)}$`);
        entry = { template, regex, literalLength: literal.length, operations: new Map() };
        this.templates.push(entry);
      }
      for (const [method, op] of Object.entries(methods)) {
        if (!op || typeof op !== "object" || !op.responses) continue;
        const key = method.toUpperCase();
        // A duplicated path (told apart by U+2800) may define the same method twice; keep both by suffixing the raw template.
        const opKey = entry.operations.has(key) ? `${key}#${rawTemplate}` : key;
        entry.operations.set(opKey, { template: rawTemplate, method: key, responses: op.responses });
      }
    }
  }

  /** The operations a request maps to (empty when the spec has no such path and method). */
  operationsFor(method: string, path: string): Operation[] {
    let p = path.toLowerCase();
    if (p.length > 1 && p.endsWith("/")) p = p.slice(0, -1);
    if (p === "/") p = "";
    const candidates = this.templates.filter((t) => t.regex.test(p) && [...t.operations.values()].some((o) => o.method === method));
    const best = Math.max(-1, ...candidates.map((t) => t.literalLength));
    return candidates.filter((t) => t.literalLength === best).flatMap((t) => [...t.operations.values()].filter((o) => o.method === method));
  }

  /** undefined when the exchange conforms; otherwise why it does not. */
  check(exchange: Exchange): string | undefined {
    const operations = this.operationsFor(exchange.method, exchange.path.split("?")[0]!);
    if (operations.length === 0) {
      // No operation: only the core's generic answers are acceptable (unknown path, or a method the path lacks).
      if (exchange.status === 404 && exchange.body === "Not found") return undefined;
      if (exchange.status === 405) return this.validateGeneric(exchange, "405");
      return `no CDI operation for ${exchange.method} ${exchange.path}, yet the dev core answered ${exchange.status}`;
    }
    const reasons: string[] = [];
    for (const op of operations) {
      const reason = this.validateAgainst(op, exchange);
      if (reason === undefined) return undefined;
      reasons.push(`${op.method} ${op.template}: ${reason}`);
    }
    return reasons.join("; ");
  }

  private validateAgainst(op: Operation, exchange: Exchange): string | undefined {
    const status = String(exchange.status);
    if (!Object.hasOwn(op.responses, status)) {
      if (GENERIC_STATUSES.includes(status) || status === "403" || status === "413") return this.validateGeneric(exchange, status);
      return `status ${status} is not a response of this operation`;
    }
    const raw = op.responses[status] as { $ref?: string };
    // A shared response ($ref) is addressed by its own location, so Ajv never walks through a $ref node.
    const pointer = typeof raw.$ref === "string" ? raw.$ref : `#/paths/${pointerPart(op.template)}/${op.method.toLowerCase()}/responses/${status}`;
    return this.validateResponse(pointer, this.resolve(raw), exchange);
  }

  /**
   * Statuses the operation does not list: 403/404/405/413 are answered by the core for any API.
   * 404: the spec's shared response says "Not Found", the core sends "Not found"; the dev core follows the core.
   */
  private validateGeneric(exchange: Exchange, status: string): string | undefined {
    if (status === "404") return exchange.body === "Not found" ? undefined : `unexpected 404 body`;
    if (status === "403") return exchange.body === "Only public tenantId can call this app specific API" ? undefined : `unexpected 403 body`;
    if (status === "413") return exchange.contentType.startsWith("text/plain") ? undefined : "413 must be text";
    if (!Object.hasOwn(this.spec.components.responses, status)) return `status ${status} is not defined by the CDI`;
    return this.validateResponse(`#/components/responses/${status}`, this.spec.components.responses[status], exchange);
  }

  private validateResponse(pointer: string, response: unknown, exchange: Exchange): string | undefined {
    const content = (response as { content?: Record<string, unknown> }).content;
    if (!content) return exchange.body === "" ? undefined : "the spec declares no body";
    const isJson = exchange.contentType.startsWith("application/json");
    const mediaTypes = Object.keys(content);
    const mediaType = mediaTypes.find((m) => (isJson ? m === "application/json" : m.startsWith("text/"))) ?? mediaTypes[0]!;
    let value: unknown = exchange.body;
    if (isJson) {
      try {
        value = JSON.parse(exchange.body);
      } catch {
        return "the body is not JSON";
      }
    }
    const ref = `${SPEC_ID}${pointer}/content/${pointerPart(mediaType)}/schema`;
    let validate = this.compiled.get(ref);
    if (!validate) {
      validate = this.ajv.compile({ $ref: ref });
      this.compiled.set(ref, validate);
    }
    if (validate(value)) return undefined;
    return this.ajv.errorsText(validate.errors);
  }

  private resolve(node: unknown): unknown {
    const ref = (node as { $ref?: string } | null)?.$ref;
    if (typeof ref !== "string") return node;
    return ref
      .replace(/^#\//, "")
      .split("/")
      .reduce<unknown>((acc, part) => (acc as Record<string, unknown>)[part.replace(/~1/g, "/").replace(/~0/g, "~")], this.spec);
  }
}

function pointerPart(key: string): string {
  return encodeURIComponent(key.replace(/~/g, "~0").replace(/\//g, "~1"));
}

function escapeRegex(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
