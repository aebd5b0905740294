// Calendar dates of archives (YYYY-MM-DD) and the index names a date selects. Pure and deterministic:
// workflows use it too, so it reads no clock and no environment.

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

export class ArchiveDateError extends Error {
  override name = 'ArchiveDateError';
}

/** Validate a YYYY-MM-DD calendar date (rejects 2026-02-30 and the like). */
export function parseArchiveDate(value: string): { year: number; month: number; day: number } {
  const m = ISO_DATE.exec(value);
  if (!m) throw new ArchiveDateError(`Invalid date "${value}": expected YYYY-MM-DD, for example 2026-11-21`);
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const probe = new Date(Date.UTC(year, month - 1, day));
  if (probe.getUTCFullYear() !== year || probe.getUTCMonth() !== month - 1 || probe.getUTCDate() !== day) {
    throw new ArchiveDateError(`Invalid date "${value}": no such calendar day`);
  }
  return { year, month, day };
}

/** The calendar date of `instant` in `timeZone`, minus `daysBack` days ("yesterday" is daysBack 1). */
export function calendarDateIn(instant: Date, timeZone: string, daysBack = 0): string {
  const parts = new Intl.DateTimeFormat('en-CA', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  })
    .formatToParts(instant)
    .reduce<Record<string, string>>((acc, p) => ({ ...acc, [p.type]: p.value }), {});
  const local = Date.UTC(Number(parts.year), Number(parts.month) - 1, Number(parts.day));
  return new Date(local - daysBack * 86_400_000).toISOString().slice(0, 10);
}

/** How far `instant` is ahead of UTC in `timeZone`, in ms (the wall clock there, read as UTC, minus the instant). */
function offsetMs(instant: number, timeZone: string): number {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: 'numeric',
    second: 'numeric',
  })
    .formatToParts(new Date(instant))
    .reduce<Record<string, number>>((acc, p) => ({ ...acc, [p.type]: Number(p.value) }), {});
  const wall = Date.UTC(parts.year!, parts.month! - 1, parts.day!, parts.hour!, parts.minute!, parts.second!);
  return wall - (instant - (instant % 1000));
}

/** The instant a calendar day ends in `timeZone` (its next day's midnight there; DST days last 23 or 25 h). */
export function dayEndsAt(date: string, timeZone: string): Date {
  const { year, month, day } = parseArchiveDate(date);
  const nextMidnight = Date.UTC(year, month - 1, day + 1);
  // The offset at the guess, then at the corrected instant: right across a DST change too.
  let instant = nextMidnight - offsetMs(nextMidnight, timeZone);
  instant = nextMidnight - offsetMs(instant, timeZone);
  return new Date(instant);
}

/** The instant a day may be archived: its end in `timeZone` plus `settleMinutes` for late documents to arrive. */
export function daySettlesAt(date: string, timeZone: string, settleMinutes: number): Date {
  return new Date(dayEndsAt(date, timeZone).getTime() + settleMinutes * 60_000);
}

/** A day asked for before it has ended (plus the settle time): an input error, nothing is started. */
export class DayNotEndedError extends ArchiveDateError {}

/**
 * Refuse a day that has not ended in `timeZone` `settleMinutes` before `now`: documents of that day may still
 * arrive (late shippers, buffers), and a sealed archive is final. Says when the day can be archived.
 */
export function assertDayEnded(
  date: string,
  timeZone: string,
  settleMinutes: number,
  now: Date,
  sources = { timeZone: 'SNAPSEAL_SCHEDULE_TIMEZONE', settle: 'SNAPSEAL_DAY_SETTLE_MINUTES' },
): void {
  const ready = daySettlesAt(date, timeZone, settleMinutes);
  if (now < ready) {
    throw new DayNotEndedError(
      `The day ${date} has not ended in ${timeZone} (${sources.timeZone}) plus ${settleMinutes} minutes to settle ` +
        `(${sources.settle}): an archive is final, so documents still arriving would be left out. ` +
        `It can be archived from ${ready.toISOString()}.`,
    );
  }
}

/** Fill {YYYY}, {MM} and {DD} of an index template (e.g. logdata-{DD}{MM}{YYYY} → logdata-21112026). */
export function indicesForDate(template: string, date: string): string {
  const { year, month, day } = parseArchiveDate(date);
  const pad = (n: number): string => String(n).padStart(2, '0');
  return template
    .replaceAll('{YYYY}', String(year))
    .replaceAll('{MM}', pad(month))
    .replaceAll('{DD}', pad(day));
}

/** One spelling per selection: parts trimmed, empty parts dropped, duplicates dropped, sorted. */
export function normalizeSelection(indices: string): string[] {
  return [
    ...new Set(
      indices
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean),
    ),
  ].sort();
}

// Index names are kept as they are when made of these; any other character (a pattern's "*", and "+" and
// "~" themselves) is written as ~XX (its code in hex), so the id is readable and no two selections share one.
const PLAIN = /[A-Za-z0-9._-]/;
const encodePart = (part: string): string =>
  [...part]
    .map((c) =>
      PLAIN.test(c)
        ? c
        : [...new TextEncoder().encode(c)].map((b) => `~${b.toString(16).padStart(2, '0')}`).join(''),
    )
    .join('');

/**
 * The archive id: one per (date, index selection), so asking twice for the same day and indices, in any order
 * or spacing, names the same archive (and the same workflow id); different selections never share one.
 * Readable, and safe as an S3 key segment and a workflow id.
 */
export function archiveIdFor(date: string, indices: string): string {
  parseArchiveDate(date);
  const parts = normalizeSelection(indices);
  if (parts.length === 0)
    throw new ArchiveDateError('The index selection is empty: name at least one index or pattern');
  return `${date}_${parts.map(encodePart).join('+')}`;
}

// A corrected archive of a day (one that supersedes another) carries the revision after the selection: "~r2".
// No selection contains "~r" (an encoded character is "~" and two hex digits), so the suffix is unambiguous.
const ARCHIVE_ID =
  /^(\d{4}-\d{2}-\d{2})_([A-Za-z0-9._-]|~[0-9a-f]{2})+(\+([A-Za-z0-9._-]|~[0-9a-f]{2})+)*(~r[1-9][0-9]{0,5})?$/;
const REVISION = /~r([1-9][0-9]*)$/;
const MAX_ARCHIVE_ID = 512;

/** Check an archive id given by a user (verify, restore) has the form archiveIdFor makes, before any use. */
export function assertArchiveId(id: string): string {
  const m = ARCHIVE_ID.exec(id);
  if (!m || id.length > MAX_ARCHIVE_ID) {
    throw new ArchiveDateError(
      `Invalid archive id "${id.slice(0, 80)}${id.length > 80 ? '…' : ''}": expected <YYYY-MM-DD>_<indices> as \`snapseal list\` shows it, for example 2026-11-21_logdata-21112026`,
    );
  }
  parseArchiveDate(m[1]!);
  if (revisionOf(id) === 1 && REVISION.test(id))
    throw new ArchiveDateError(
      `Invalid archive id "${id.slice(0, 80)}": revision ~r1 is written without a suffix`,
    );
  return id;
}

/** An archive's revision: 1 for the first archive of a day and selection, N for the "~rN" that corrects it. */
export function revisionOf(archiveId: string): number {
  const m = REVISION.exec(archiveId);
  return m ? Number(m[1]) : 1;
}

/** The archive id without its revision: the same for every revision of one day and selection. */
export function firstRevisionOf(archiveId: string): string {
  return archiveId.replace(REVISION, '');
}

/** The id of the archive that supersedes `archiveId`: its next revision (2026-11-21_logs → 2026-11-21_logs~r2). */
export function supersedingArchiveId(archiveId: string): string {
  return `${firstRevisionOf(archiveId)}~r${revisionOf(archiveId) + 1}`;
}
