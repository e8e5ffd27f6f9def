// The page's script, bundled by esbuild for the browser tests: supertokens-web-js
// (the official frontend SDK) set up against the auth APIs, with each flow the
// test drives exposed on globalThis.flows. Config comes from the page URL:
// ?api=<auth API origin>&mode=cookie|header
import SuperTokens from "supertokens-web-js";
import Session from "supertokens-web-js/recipe/session";
import EmailPassword from "supertokens-web-js/recipe/emailpassword";

const params = new URLSearchParams(globalThis.location.search);
const apiDomain = params.get("api") ?? globalThis.location.origin;
const mode = params.get("mode") === "header" ? "header" : "cookie";

SuperTokens.init({
  appInfo: { appName: "corelens browser test", apiDomain, apiBasePath: "/auth" },
  recipeList: [Session.init({ tokenTransferMethod: mode }), EmailPassword.init()],
});

const fields = (email, password) => [
  { id: "email", value: email },
  { id: "password", value: password },
];

globalThis.flows = {
  signUp: async (email, password) => (await EmailPassword.signUp({ formFields: fields(email, password) })).status,
  signIn: async (email, password) => (await EmailPassword.signIn({ formFields: fields(email, password) })).status,
  emailExists: async (email) => (await EmailPassword.doesEmailExist({ email })).doesExist,
  sessionExists: () => Session.doesSessionExist(),
  userId: () => Session.getUserId(),
  payload: () => Session.getAccessTokenPayloadSecurely(),
  // A call to the app's protected API: the SDK adds the tokens and refreshes on a 401.
  protectedCall: async (url) => {
    const res = await fetch(url);
    return { status: res.status, body: await res.json() };
  },
  signOut: () => Session.signOut(),
};
globalThis.flowsReady = true;
