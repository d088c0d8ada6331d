/**
 * How the gateway names itself to Enedis on every call: Enedis's support can then tell its traffic (and its
 * version) apart when a problem is reported. Read from package.json so a release never forgets to bump it.
 */
import { name, version } from "../../package.json";

export const ENEDIS_USER_AGENT = `${name}/${version}`;
