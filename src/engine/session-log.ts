/**
 * Sessions log at the runtime's error level: a session's default, warning, prints notes such as
 * "VerifyEachNodeIsAssignedToAnEp" (shape ops placed on the CPU, as designed) through console.error.
 * A module of its own: the session code imports it without loading the runtime's files (ort-setup.ts),
 * which Node-side tools and tests cannot resolve.
 */
export const SESSION_LOG_SEVERITY = 3;
