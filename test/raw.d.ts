/** Vite `?raw` imports: a file's text (tests read configuration files this way inside workerd). */
declare module "*?raw" {
  const text: string;
  export default text;
}
