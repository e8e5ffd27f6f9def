/**
 * A frontend as the SuperTokens frontend SDKs behave on the wire, small enough
 * to read: a cookie jar honouring Path and Expires (cookie mode), the
 * st-access-token / st-refresh-token headers kept and sent as Authorization
 * (header mode), the front-token and anti-csrf headers remembered, and `rid`
 * sent on every call.
 */
export type Mode = "cookie" | "header";

interface StoredCookie {
  name: string;
  value: string;
  path: string;
  raw: string;
}

export interface Answer {
  status: number;
  body: any;
  headers: Headers;
  setCookies: string[];
}

export class FrontendClient {
  readonly cookies = new Map<string, StoredCookie>();
  accessToken: string | undefined;
  refreshToken: string | undefined;
  frontToken: string | undefined;
  antiCsrf: string | undefined;

  constructor(
    readonly baseUrl: string,
    readonly mode: Mode,
    readonly options: { sendRid?: boolean } = {},
  ) {}

  cookieHeader(path: string): string | undefined {
    const list = [...this.cookies.values()].filter((c) => path === c.path || path.startsWith(c.path.endsWith("/") ? c.path : c.path + "/"));
    return list.length === 0 ? undefined : list.map((c) => `${c.name}=${c.value}`).join("; ");
  }

  async call(method: string, path: string, init: { body?: unknown; headers?: Record<string, string>; useRefreshToken?: boolean } = {}): Promise<Answer> {
    const headers: Record<string, string> = { "st-auth-mode": this.mode, "fdi-version": "4.0", ...init.headers };
    if (this.options.sendRid !== false) headers.rid ??= "session";
    const pathOnly = path.split("?")[0]!;
    const cookie = this.cookieHeader(pathOnly);
    if (cookie !== undefined) headers.cookie = cookie;
    const token = init.useRefreshToken ? this.refreshToken : this.accessToken;
    if (this.mode === "header" && token !== undefined) headers.authorization = `Bearer ${token}`;
    if (this.antiCsrf !== undefined) headers["anti-csrf"] = this.antiCsrf;
    let body: string | undefined;
    if (init.body !== undefined) {
      headers["content-type"] = "application/json";
      body = JSON.stringify(init.body);
    }
    const res = await fetch(this.baseUrl + path, { method, headers, body });
    const text = await res.text();
    const setCookies = res.headers.getSetCookie();
    this.#remember(res.headers, setCookies);
    let parsed: unknown = text === "" ? undefined : text;
    try {
      parsed = text === "" ? undefined : JSON.parse(text);
    } catch {
      // Not JSON (a framework's own 404 page): kept as text.
    }
    return { status: res.status, body: parsed, headers: res.headers, setCookies };
  }

  #remember(h: Headers, setCookies: string[]): void {
    for (const raw of setCookies) {
      const [pair, ...attrs] = raw.split(";").map((s) => s.trim());
      const eq = pair!.indexOf("=");
      const name = pair!.slice(0, eq);
      const value = pair!.slice(eq + 1);
      const path = attrs.find((a) => /^path=/i.test(a))?.slice(5) ?? "/";
      const expires = attrs.find((a) => /^expires=/i.test(a))?.slice(8);
      const key = `${name};${path}`;
      if (value === "" || (expires !== undefined && Date.parse(expires) <= Date.now())) this.cookies.delete(key);
      else this.cookies.set(key, { name, value, path, raw });
    }
    const access = h.get("st-access-token");
    if (access !== null) this.accessToken = access === "" ? undefined : access;
    const refresh = h.get("st-refresh-token");
    if (refresh !== null) this.refreshToken = refresh === "" ? undefined : refresh;
    const front = h.get("front-token");
    if (front !== null) this.frontToken = front === "remove" ? undefined : front;
    const csrf = h.get("anti-csrf");
    if (csrf !== null) this.antiCsrf = csrf;
  }

  cookie(name: string): StoredCookie | undefined {
    return [...this.cookies.values()].find((c) => c.name === name);
  }

  /** The front token decoded: { uid, ate, up }. */
  front(): { uid: string; ate: number; up: Record<string, unknown> } {
    return JSON.parse(Buffer.from(this.frontToken!, "base64").toString("utf8"));
  }

  signUp(email: string, password: string, tenant?: string): Promise<Answer> {
    return this.call("POST", `/auth${tenant ? "/" + tenant : ""}/signup`, { body: { formFields: [{ id: "email", value: email }, { id: "password", value: password }] } });
  }

  signIn(email: string, password: string, tenant?: string): Promise<Answer> {
    return this.call("POST", `/auth${tenant ? "/" + tenant : ""}/signin`, { body: { formFields: [{ id: "email", value: email }, { id: "password", value: password }] } });
  }

  refresh(): Promise<Answer> {
    return this.call("POST", "/auth/session/refresh", { useRefreshToken: true });
  }

  signOut(): Promise<Answer> {
    return this.call("POST", "/auth/signout");
  }
}

let counter = 0;
export function freshEmail(tag: string): string {
  return `${tag}-${process.pid}-${Date.now()}-${++counter}@example.com`;
}
