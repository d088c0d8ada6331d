// Benchmark accounts: API signup, then the consent flow over plain HTTP, the way a browser drives it:
// web login (session cookie) → POST /consent → the simulator's consent page → accept for a household → /oauth/callback.
import { HttpSession, expectStatus } from "./http-session.mjs";

export const PASSWORD = "benchmark horse battery staple";

/**
 * @param {string} baseUrl
 * @param {string} household simulator household id (martin, durand, petit…)
 * @returns {Promise<{ email: string, clientSecret: string, dashboardUrl: string }>}
 */
export async function accountWithConsent(baseUrl, household) {
  const session = new HttpSession(baseUrl);
  const email = `bench-${household}-${Date.now()}@example.test`;

  const signup = await expectStatus(await session.json("/api/accounts/signup", { email, password: PASSWORD }), 201, "POST /api/accounts/signup");
  const { data } = await signup.json();

  // The JSON signup answers an API key, not a session: the consent button needs the dashboard session.
  await expectStatus(await session.form("/login", { email, password: PASSWORD }), 303, "POST /login");

  const start = await expectStatus(await session.fetch("/consent", { method: "POST" }), 302, "POST /consent");
  const authorize = new URL(start.headers.get("Location"), baseUrl);
  await expectStatus(await session.fetch(authorize), 200, "GET simulator consent page");

  const decision = await session.form(authorize.pathname, { ...Object.fromEntries(authorize.searchParams), household, decision: "accept" });
  await expectStatus(decision, 302, "POST simulator consent page");

  const callback = new URL(decision.headers.get("Location"), baseUrl);
  const done = await expectStatus(await session.fetch(callback.pathname + callback.search), 302, "GET /oauth/callback");
  const dashboardUrl = done.headers.get("Location") ?? "";
  if (!dashboardUrl.includes("consent=success")) throw new Error(`consent for ${household} did not succeed: redirected to ${dashboardUrl}`);
  return { email, clientSecret: data.client_secret, dashboardUrl };
}
