/** The consent pages' stylesheet, served as a file because the CSP forbids inline styles. */
export const SIMULATOR_CSS = `
*{box-sizing:border-box}
body{margin:0;font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1d2939;background:#f4f7fb;line-height:1.5}
.sim-banner{background:#1423dc;color:#fff;padding:.6rem 1rem;font-size:.9rem;text-align:center}
.sim-main{max-width:40rem;margin:0 auto;padding:1rem}
h1{font-size:1.4rem;color:#1423dc}
fieldset{border:1px solid #c8d1e0;border-radius:.5rem;padding:.5rem;background:#fff}
legend{font-weight:600;padding:0 .3rem}
.sim-household{display:grid;grid-template-columns:auto 1fr;gap:.1rem .6rem;padding:.7rem;border-bottom:1px solid #e4e9f2;cursor:pointer}
.sim-household:last-child{border-bottom:0}
.sim-household input{grid-row:span 3;margin-top:.3rem;width:1.2rem;height:1.2rem}
.sim-household-name{font-weight:600}
.sim-household-desc,.sim-household-pdl{font-size:.9rem;color:#475467}
.sim-household-pdl{font-family:ui-monospace,monospace}
.sim-note{font-size:.85rem;color:#475467}
.sim-actions{display:flex;gap:.8rem;flex-wrap:wrap}
.sim-actions button{flex:1 1 10rem;min-height:3rem;font-size:1.05rem;border-radius:.5rem;border:2px solid #1423dc;cursor:pointer}
.sim-accept{background:#1423dc;color:#fff}
.sim-refuse{background:#fff;color:#1423dc}
`;
