/**
 * The services `POST /subscribed_services/v1` lists for a v2 consent: one ACCES service per PRM, in pages
 * of 10, and — for a `servicesListedLate` household — first unlisted, then DEMANDE, then ACTIF.
 */
import { addDays } from "./calendar";
import type { ConsentRow } from "./consents";
import { findHousehold, findUsagePoint } from "./households";
import type { ConsentTiming } from "./throttle";

/** Services per page of `POST /subscribed_services/v1`; `page` counts from 1. */
export const SERVICES_PAGE_SIZE = 10;

type ServiceState = "hidden" | "DEMANDE" | "ACTIF" | "TERMINE";

/**
 * Where a consent's services stand at `nowMs`. A revoked or expired consent's are TERMINE. A household that
 * is `servicesListedLate` sees them unlisted for `hiddenMs` after the consent, then DEMANDE for `demandeMs`.
 */
export function serviceState(consent: ConsentRow, listedLate: boolean, timing: ConsentTiming, nowMs: number): ServiceState {
  if (consent.revoked || consent.expiresAt <= new Date(nowMs).toISOString()) return "TERMINE";
  if (!listedLate) return "ACTIF";
  const age = nowMs - Date.parse(consent.createdAt);
  if (age < timing.hiddenMs) return "hidden";
  return age < timing.hiddenMs + timing.demandeMs ? "DEMANDE" : "ACTIF";
}

const ETAT_LIBELLE = { DEMANDE: "Demandé", ACTIF: "Actif", TERMINE: "Terminé" } as const;

/** One ACCES service per consented PRM (each share covers one PRM), in the consent's order. */
export function servicesOf(consent: ConsentRow, timing: ConsentTiming, nowMs: number) {
  const state = serviceState(consent, Boolean(findHousehold(consent.householdId)?.servicesListedLate), timing, nowMs);
  if (state === "hidden") return [];
  const start = consent.createdAt.slice(0, 10);
  const end = consent.revoked ? new Date(nowMs).toISOString().slice(0, 10) : consent.expiresAt.slice(0, 10);
  return consent.usagePointIds.split(",").flatMap((pointId, index) => {
    const point = findUsagePoint(pointId)?.point;
    if (!point) return [];
    return [
      {
        id: `${consent.id}${String(index + 1).padStart(2, "0")}`,
        injection: Boolean(point.solarPeakW),
        soutirage: Boolean(point.consumption),
        serviceCode: "ACCES",
        serviceType: "ACCES",
        dateDebut: start,
        dateFin: end < start ? addDays(start, 1) : end,
        etatCode: state,
        etatLibelle: ETAT_LIBELLE[state],
        pointId,
        mesuresCorrigees: false,
        espaceDynamique: false,
        publicationDonnees: false,
        autorisation: { autorisationId: Number(consent.id), autorisationLibelle: "Autorisation Data Connect", autorisationType: "EXPLICITE" },
      },
    ];
  });
}
