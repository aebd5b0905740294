// Cases the suite still reports MISSED on main, each with why: a ratchet, not an exemption. The suite fails on
// any MISSED case not listed here, and on any listed case that no longer ends MISSED (remove it then), so the
// list only shrinks. Empty is the goal (issue "Sealed by construction"); the note of each stop names what is left.
export const KNOWN_MISSED: Record<string, string> = {};
