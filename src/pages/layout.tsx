import type { Child } from "hono/jsx";

/** The page frame: French, mobile-first, one stylesheet, no inline script (CSP). */
export function Layout(props: { title: string; children: Child; signedIn?: boolean; isAdmin?: boolean }) {
  return (
    <html lang="fr">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{props.title} · Passerelle Linky</title>
        <link rel="stylesheet" href="/styles.css" />
        <link rel="icon" href="data:," />
      </head>
      <body>
        <header class="top">
          <a class="brand" href="/">⚡ Passerelle Linky</a>
          <nav>
            {props.signedIn ? (
              <>
                <a href="/dashboard">Tableau de bord</a>
                {props.isAdmin ? <a href="/admin">Administration</a> : null}
                <a href="/docs">API</a>
                <form method="post" action="/logout" class="inline">
                  <button type="submit" class="link">Se déconnecter</button>
                </form>
              </>
            ) : (
              <>
                <a href="/docs">API</a>
                <a href="/login">Se connecter</a>
                <a href="/signup" class="button small">Créer un compte</a>
              </>
            )}
          </nav>
        </header>
        <main>{props.children}</main>
        <footer>Logiciel libre · vos données Linky restent les vôtres.</footer>
      </body>
    </html>
  );
}

/** hono/jsx's c.html() does not add the doctype; every page goes through this. */
export const page = (body: unknown) => `<!DOCTYPE html>${String(body)}`;
