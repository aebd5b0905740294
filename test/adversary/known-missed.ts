// Read sites where a tamper may still end MISSED on main, each with why: known gaps, listed so that the suite
// keeps failing on any other MISSED case (a regression, or a new read nobody looked at). A site is named as the
// table names it, without the tamper kind (the default selection rotates kinds over sites); it covers that site
// and its second and later reads. Empty is the goal; each stop's note says what is left.
export const KNOWN_MISSED: { site: string; why: string }[] = [
  ...['index-N', 'snap-<uuid>.dat', 'indices/<uuid>/<n>/snap-<uuid>.dat'].map((blob) => ({
    site: `archive: GET staging:<id>/<run>/repository/${blob}`,
    why: "the snapshot's staging copy, read before the plan binds it: nothing the cluster said vouches for its metadata blobs yet (to bind: compare them with the cluster's snapshot status and shard file lists, kept in history)",
  })),
  {
    site: 'archive: LIST staging:<id>/<run>/repository/',
    why: 'the listing the plan is made from: a blob deleted or changed before it is planned is archived as it is then',
  },
];

/** The known gap a case falls under, if any. */
export function knownMissed(caseName: string): string | undefined {
  return KNOWN_MISSED.find(({ site }) => caseName.startsWith(site))?.why;
}
