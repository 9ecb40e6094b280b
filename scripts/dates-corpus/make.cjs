#!/usr/bin/env node
// Writes tests/fixtures/dates/corpus.tsv: date texts as five JavaScript date libraries
// print them for known instants, in every locale they ship, each with the instant it means.
//
// Usage (the libraries are not dependencies of pagefeed; install them anywhere):
//   cd /tmp/corpus && npm install moment@2.31.0 dayjs@1.11.23 date-fns@4.4.0 \
//       javascript-time-ago@2.6.4
//   TZ=UTC NODE_PATH=/tmp/corpus/node_modules node scripts/dates-corpus/make.cjs \
//       > tests/fixtures/dates/corpus.tsv
//
// Sources and parts: "tune" rows come from moment.js, Day.js and the Intl API of Node
// (Intl.RelativeTimeFormat, Intl.DateTimeFormat: ICU's CLDR data, what sites print through
// Luxon or Intl directly); "held" rows from date-fns and javascript-time-ago, kept out of
// tuning. Each row: part, source, language (primary subtag), locale, text, the instant.
// Relative ages are printed for instants a whole number of units plus 5 seconds before NOW,
// so that every site's rounding (floor, nearest) names the same count.
'use strict';
const fs = require('fs');
const path = require('path');

const NOW = new Date('2026-03-04T13:30:00Z');
const S = 1000, MIN = 60 * S, H = 60 * MIN, D = 24 * H;
// Ages: [milliseconds before NOW].
const AGES = [S, MIN, 2 * MIN, 5 * MIN, 21 * MIN, 22 * MIN, 40 * MIN, H, 2 * H, 5 * H,
  21 * H, D, 2 * D, 5 * D, 7 * D, 14 * D, 21 * D, 30 * D, 61 * D, 152 * D, 365 * D, 730 * D,
  1826 * D].map((a) => (a >= MIN ? a + 5 * S : a));
// Instants for calendar words and absolute dates.
const YESTERDAY = new Date('2026-03-03T14:05:00Z');
const TODAY = new Date('2026-03-04T09:12:00Z');
const LAST_FRIDAY = new Date('2026-02-27T16:40:00Z');
const OLD = new Date('2025-11-18T08:15:00Z');
const THIS_YEAR = new Date('2026-01-09T10:20:00Z');

const rows = [];
const seen = new Set();
function add(part, source, locale, text, when) {
  if (typeof text !== 'string') return;
  text = text.replace(/[\t\n\r]+/g, ' ').trim();
  if (!text || /Invalid/.test(text)) return;
  const lang = locale.toLowerCase().split(/[-_]/)[0];
  const key = lang + '\t' + text;
  if (seen.has(key)) return;
  seen.add(key);
  rows.push([part, source, lang, locale, text, when.toISOString().replace('.000Z', 'Z')]);
}
function version(name) {
  const main = require.resolve(name);
  let dir = path.dirname(main);
  while (!fs.existsSync(path.join(dir, 'package.json'))) dir = path.dirname(dir);
  for (;;) {
    const pkg = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8'));
    if (pkg.name === name) return pkg.version;
    dir = path.dirname(dir);
  }
}
function safe(f) {
  try { return f(); } catch (e) { return undefined; }
}

// moment.js: relative ages, calendar words, localized formats.
const moment = require('moment');
require('moment/min/locales');
const MOMENT_FORMATS = [[OLD, 'LL'], [OLD, 'LLL'], [OLD, 'LLLL'], [OLD, 'lll'], [OLD, 'L'],
  [LAST_FRIDAY, 'LLL'], [THIS_YEAR, 'D MMMM'], [THIS_YEAR, 'D MMM'], [OLD, 'Do MMMM YYYY']];
for (const locale of moment.locales()) {
  if (locale === 'x-pseudo') continue;
  const now = moment(NOW).locale(locale);
  for (const age of AGES) {
    const t = new Date(NOW - age);
    add('tune', 'moment', locale, moment(t).locale(locale).from(now), t);
  }
  for (const t of [YESTERDAY, TODAY, LAST_FRIDAY]) {
    add('tune', 'moment', locale, moment(t).locale(locale).calendar(now), t);
  }
  for (const [t, f] of MOMENT_FORMATS) add('tune', 'moment', locale, moment(t).locale(locale).format(f), t);
}

// Day.js with its relativeTime, calendar and localizedFormat plugins.
const dayjs = require('dayjs');
dayjs.extend(require('dayjs/plugin/relativeTime'));
dayjs.extend(require('dayjs/plugin/calendar'));
dayjs.extend(require('dayjs/plugin/localizedFormat'));
const dayjsDir = path.join(path.dirname(require.resolve('dayjs')), 'locale');
for (const file of fs.readdirSync(dayjsDir).filter((f) => f.endsWith('.js')).sort()) {
  const locale = file.replace(/\.js$/, '');
  if (locale === 'x-pseudo') continue;
  require(path.join(dayjsDir, file));
  const now = dayjs(NOW).locale(locale);
  for (const age of AGES) {
    const t = new Date(NOW - age);
    const text = safe(() => dayjs(t).locale(locale).from(now));
    // A locale without relative times of its own prints English's.
    if (locale !== 'en' && text === dayjs(t).locale('en').from(dayjs(NOW).locale('en'))) continue;
    add('tune', 'dayjs', locale, text, t);
  }
  for (const [t, f] of MOMENT_FORMATS.slice(0, 8)) {
    add('tune', 'dayjs', locale, safe(() => dayjs(t).locale(locale).format(f)), t);
  }
}

// Intl, as Luxon and sites call it.
const locales = new Set();
for (const l of moment.locales()) locales.add(l.split('-')[0]);
for (const f of fs.readdirSync(dayjsDir)) locales.add(f.replace(/\.js$/, '').split('-')[0]);
const INTL_AGES = [[5, 'minute'], [21, 'minute'], [1, 'hour'], [3, 'hour'], [1, 'day'], [2, 'day'],
  [5, 'day'], [1, 'week'], [3, 'week'], [2, 'month'], [1, 'year'], [3, 'year']];
const UNIT_MS = { minute: MIN, hour: H, day: D, week: 7 * D, month: 30 * D, year: 365 * D };
for (const locale of [...locales].sort()) {
  if (!safe(() => Intl.RelativeTimeFormat.supportedLocalesOf([locale]).length)) continue;
  for (const style of ['long', 'short', 'narrow']) {
    for (const numeric of ['always', 'auto']) {
      const rtf = new Intl.RelativeTimeFormat(locale, { style, numeric });
      for (const [n, unit] of INTL_AGES) {
        const t = new Date(NOW - n * UNIT_MS[unit] - 5 * S);
        add('tune', 'intl', locale, rtf.format(-n, unit), t);
      }
    }
  }
  for (const [t, opts] of [[OLD, { dateStyle: 'long' }], [OLD, { dateStyle: 'medium' }],
    [OLD, { dateStyle: 'full' }], [LAST_FRIDAY, { dateStyle: 'long', timeStyle: 'short' }],
    [LAST_FRIDAY, { dateStyle: 'medium', timeStyle: 'short' }],
    [THIS_YEAR, { day: 'numeric', month: 'long' }]]) {
    add('tune', 'intl', locale, new Intl.DateTimeFormat(locale, { ...opts, timeZone: 'UTC' }).format(t), t);
  }
}

// date-fns: formatDistance with a suffix, formatRelative, localized formats.
const dfns = require('date-fns');
const dfnsLocales = require('date-fns/locale');
for (const name of Object.keys(dfnsLocales).sort()) {
  const loc = dfnsLocales[name];
  if (!loc || !loc.code) continue;
  const locale = loc.code;
  for (const age of AGES) {
    const t = new Date(NOW - age);
    add('held', 'date-fns', locale, safe(() => dfns.formatDistance(t, NOW, { addSuffix: true, locale: loc })), t);
  }
  for (const t of [YESTERDAY, TODAY, LAST_FRIDAY]) {
    add('held', 'date-fns', locale, safe(() => dfns.formatRelative(t, NOW, { locale: loc })), t);
  }
  for (const [t, f] of [[OLD, 'PPP'], [OLD, 'PPPP'], [OLD, 'PPp'], [OLD, 'PPPp'], [LAST_FRIDAY, 'PPPPp'], [OLD, 'P']]) {
    add('held', 'date-fns', locale, safe(() => dfns.format(t, f, { locale: loc })), t);
  }
}

// javascript-time-ago: the "round" steps with long, short and "now" labels.
const TimeAgo = require('javascript-time-ago').default || require('javascript-time-ago');
const jtaDir = path.join(path.dirname(require.resolve('javascript-time-ago/package.json')), 'locale');
for (const file of fs.readdirSync(jtaDir).filter((f) => f.endsWith('.json')).sort()) {
  const data = JSON.parse(fs.readFileSync(path.join(jtaDir, file), 'utf8'));
  TimeAgo.addLocale(data);
  const locale = data.locale;
  const ta = new TimeAgo(locale);
  for (const labels of ['long', 'short']) {
    for (const age of AGES) {
      const t = new Date(NOW - age);
      add('held', 'javascript-time-ago', locale,
        safe(() => ta.format(t, { steps: require('javascript-time-ago/steps').round, labels }, { now: NOW.getTime() })), t);
    }
  }
}

const header = [
  '# Date texts as JavaScript date libraries print them, and the instants they name.',
  `# Generated by scripts/dates-corpus/make.cjs at now = ${NOW.toISOString()}, zone UTC, from:`,
  `#   moment ${version('moment')} (every locale: fromNow, calendar, localized formats),`,
  `#   dayjs ${version('dayjs')} (relativeTime, localizedFormat),`,
  `#   Intl of Node ${process.versions.node} (ICU ${process.versions.icu}, CLDR ${process.versions.cldr}),`,
  `#   date-fns ${version('date-fns')} (formatDistance, formatRelative, format P/PP/PPP/PPPP),`,
  `#   javascript-time-ago ${version('javascript-time-ago')} (round steps, long and short labels).`,
  '# part: tune (moment, dayjs, intl) or held (date-fns, javascript-time-ago: never tuned on).',
  '# part\tsource\tlanguage\tlocale\ttext\tinstant',
];
process.stdout.write(header.join('\n') + '\n' + rows.map((r) => r.join('\t')).join('\n') + '\n');
