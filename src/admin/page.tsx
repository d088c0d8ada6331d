import { Hono } from "hono";
import { z } from "zod";
import { purgeAccountCache } from "../cache/store";
import { AppError } from "../http/errors";
import type { AppEnv } from "../http/types";
import { resetQuotaFor } from "../limits/quota";
import { deleteAccount } from "../accounts/delete-account";
import { Layout, page } from "../pages/layout";
import { sessionCaller } from "../http/auth";
import { adminStats, adminUserList } from "./stats";
import { getConfig } from "../config";
import { lastKeyRingCount } from "../maintenance/key-ring-count";
import { KeyRingCard, keyRingAdmin } from "./key-ring-card";

/** GET /admin — administrators only: statistics, users, quota reset, cache purge, account deletion. No user data. */
export const adminPage = new Hono<AppEnv>();

// "/admin/*" also matches "/admin" itself: one check for the page and its forms.
adminPage.use("/admin/*", async (c, next) => {
  const me = await sessionCaller(c);
  if (!me && c.req.method === "GET") return c.redirect("/login", 303);
  if (!me?.isAdmin) throw new AppError(403, "FORBIDDEN", "Réservé aux administrateurs.");
  await next();
});

adminPage.get("/admin", async (c) => {
  const [stats, list, keyRingCount] = await Promise.all([adminStats(c.env), adminUserList(c.env), lastKeyRingCount(c.env)]);
  return c.html(
    page(
      <Layout title="Administration" signedIn isAdmin>
        <h1>Administration</h1>
        <section class="card">
          <h2>Aujourd'hui</h2>
          <p>
            {stats.users} comptes · {stats.pdls} points de livraison · {stats.today.no_cache} requêtes vers Enedis · {stats.today.cached} requêtes servies par le cache · {stats.today.enedis_calls} appels Enedis
          </p>
        </section>
        <section class="card">
          <h2>Synchronisation quotidienne</h2>
          <p>
            {stats.sync.pdls} points synchronisés · {stats.sync.done_today} à jour (hier inclus) · {stats.sync.pending} en attente · {stats.sync.failed_today} en échec aujourd'hui
          </p>
        </section>
        <KeyRingCard rotating={getConfig(c.env).appSecretPrevious !== undefined} count={keyRingCount} />
        <section class="card table-wrap">
          <h2>Utilisateurs</h2>
          <table>
            <thead>
              <tr>
                <th>E-mail</th>
                <th>client_id</th>
                <th>PDL</th>
                <th>Enedis / cache</th>
                <th>Actions</th>
              </tr>
            </thead>
            <tbody>
              {list.map((u) => (
                <tr>
                  <td>{u.email}</td>
                  <td>
                    <code>{u.client_id}</code>
                  </td>
                  <td>{u.pdl_count}</td>
                  <td>
                    {u.no_cache_requests} / {u.cached_requests}
                  </td>
                  <td>
                    <form method="post" action={`/admin/users/${u.user_id}/reset-quota`} class="inline">
                      <button type="submit" class="link">Remettre le quota à zéro</button>
                    </form>{" "}
                    ·{" "}
                    <form method="post" action={`/admin/users/${u.user_id}/purge-cache`} class="inline">
                      <button type="submit" class="link">Vider le cache</button>
                    </form>
                    <form method="post" action={`/admin/users/${u.user_id}/delete`} class="admin-delete">
                      <label>
                        <input type="checkbox" name="confirm" value="yes" required /> Vérifié avec le foyer : supprimer ce compte et libérer ses PDL
                      </label>
                      <button type="submit" class="danger">Supprimer le compte</button>
                    </form>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      </Layout>,
    ),
  );
});

adminPage.route("/", keyRingAdmin);

const UserId = z.uuid();

adminPage.post("/admin/users/:id/reset-quota", async (c) => {
  const id = UserId.safeParse(c.req.param("id"));
  if (id.success) await resetQuotaFor(c.env, id.data);
  return c.redirect("/admin", 303);
});

adminPage.post("/admin/users/:id/purge-cache", async (c) => {
  const id = UserId.safeParse(c.req.param("id"));
  if (id.success) await purgeAccountCache(c.env, id.data);
  return c.redirect("/admin", 303);
});

/** For a household that lost both password and client_secret: deletes the account like its owner would, freeing its PDLs. */
adminPage.post("/admin/users/:id/delete", async (c) => {
  const id = UserId.safeParse(c.req.param("id"));
  const body = await c.req.parseBody();
  if (id.success && body.confirm === "yes") await deleteAccount(c.env, id.data);
  return c.redirect("/admin", 303);
});
