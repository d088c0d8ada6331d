/** The API credentials block, shown with the secret only right after it was made (signup, regeneration). */
export function Credentials(props: { clientId: string; clientSecret?: string }) {
  return (
    <dl class="facts">
      <dt>client_id</dt>
      <dd>
        <code id="client-id">{props.clientId}</code>
      </dd>
      <dt>client_secret</dt>
      {props.clientSecret ? (
        <dd>
          <code class="secret" id="client-secret">{props.clientSecret}</code>
        </dd>
      ) : (
        <dd class="muted">Montré une seule fois, à sa création. Perdu ? Créez-en un nouveau : l'ancien cessera aussitôt de fonctionner.</dd>
      )}
    </dl>
  );
}
