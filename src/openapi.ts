import type { OpenAPIHono } from "@hono/zod-openapi";
import { Hono } from "hono";
import type { AppEnv } from "./http/types";

/**
 * GET /api/openapi.json is generated from the very zod schemas that validate requests (every route is
 * declared with createRoute); /docs is Swagger UI served from this worker's own assets (works offline),
 * started by /docs.js (no inline script, CSP).
 */
export function documentApi(api: OpenAPIHono<AppEnv>) {
  const registry = api.openAPIRegistry;
  registry.registerComponent("securitySchemes", "clientSecret", { type: "http", scheme: "bearer", description: "Your client_secret (or an access token) as a bearer token" });
  registry.registerComponent("securitySchemes", "oauth2", {
    type: "oauth2",
    description: "OAuth2 client credentials: client_id + client_secret → access token",
    flows: { clientCredentials: { tokenUrl: "/api/accounts/token", scopes: {} } },
  });
  registry.registerComponent("securitySchemes", "basic", { type: "http", scheme: "basic", description: "client_id:client_secret" });
  registry.registerComponent("securitySchemes", "session", { type: "apiKey", in: "cookie", name: "lg_session", description: "Dashboard session" });
  api.doc31("/openapi.json", (c) => ({
    openapi: "3.1.0",
    info: {
      title: "Linky gateway API",
      version: "1.0.0",
      description:
        "Read your own Linky data from Enedis Data Connect. Every answer is JSON `{success, data}` or `{success:false, error:{code,message,field?}}`; metering data has Enedis's v5 shape whatever Enedis generation answered.",
    },
    servers: [{ url: new URL(c.req.url).origin }],
  }));
}

export const docsPage = new Hono<AppEnv>();
docsPage.get("/docs", (c) =>
  c.html(`<!DOCTYPE html>
<html lang="fr">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>API · Passerelle Linky</title>
<link rel="stylesheet" href="/swagger-ui/swagger-ui.css">
<link rel="icon" href="data:,">
</head>
<body>
<div id="swagger-ui"></div>
<script src="/swagger-ui/swagger-ui-bundle.js"></script>
<script src="/docs.js"></script>
</body>
</html>`),
);
