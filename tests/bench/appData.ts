/**
 * Generated data for the app benchmarks: chat text from a small support-desk vocabulary with a
 * Zipf-like word frequency, visitor names, and the search queries run against them. Everything
 * comes from one seeded PRNG, so every run sees the same workspace; nothing is committed as a fixture.
 */

const pick = <T>(rand: () => number, xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!

/** Most frequent first: a word's weight is 1 / rank, as in real text. */
const VOCABULARY = (
  'i the to my a and is it you for order of in this can have on not we was with your that be me please ' +
  'but at do will thanks hi hello what when from are get how help there just payment delivery would so if ' +
  'refund package account an no yes could our card today as out need days still want check one email sorry ' +
  'hours number time shipping any tracking by know back address like has about up all sent sure let received ' +
  'been week again invoice problem item price discount code return size cancel subscription login password ' +
  'reset store app website link message minutes week weekend morning afternoon evening tomorrow yesterday ' +
  'courier warehouse parcel box damaged broken missing wrong colour color exchange voucher gift coupon plan ' +
  'upgrade downgrade monthly yearly trial charge charged twice bank transfer paypal receipt vat company ' +
  'customer support agent manager phone call chat update status confirm confirmation cart checkout basket ' +
  'stock available restock preorder shoes jacket shirt dress trousers laptop charger cable screen battery ' +
  'warranty repair replacement instructions manual install setup settings notification newsletter unsubscribe ' +
  'privacy data delete profile name surname street city postcode country germany france spain poland italy ' +
  'express standard pickup locker point holiday opening closing monday tuesday wednesday thursday friday ' +
  'saturday sunday january february march april weekday quickly slowly urgent asap patience appreciate ' +
  'wonderful great perfect awful disappointed frustrated happy satisfied lovely brilliant understand explain ' +
  'mistake error crash freeze blank page loading slow fast button form field upload download attachment photo ' +
  'picture video label sticker barcode reference ticket case complaint feedback review rating stars ' +
  'loyalty points membership premium gold silver bronze bundle sample sizes fits small large medium tight loose ' +
  'fabric cotton wool leather waterproof zipper sleeve collar heel sole lace buckle strap pocket hood lining ' +
  'kilogram weight customs duty tax import export border clearance held released dispatched delayed lost ' +
  'signature neighbour doorstep mailbox concierge reception apartment floor building gate intercom ' +
  'zelkova quokka marzipan fjord obsidian'
).split(' ')

/** Cumulative 1/rank weights, for drawing a word in O(log n). */
const CUMULATIVE = (() => {
  const out: number[] = []
  let sum = 0
  for (let i = 0; i < VOCABULARY.length; i++) out.push((sum += 1 / (i + 1)))
  return out.map((w) => w / sum)
})()

function zipfWord(rand: () => number): string {
  const r = rand()
  let lo = 0
  let hi = CUMULATIVE.length - 1
  while (lo < hi) {
    const mid = (lo + hi) >> 1
    if (CUMULATIVE[mid]! < r) lo = mid + 1
    else hi = mid
  }
  return VOCABULARY[lo]!
}

/** A chat line of 3 to 20 words; now and then an order number, as customers write them. */
export function messageText(rand: () => number): string {
  const n = 3 + Math.floor(rand() * rand() * 18)
  const words: string[] = []
  for (let i = 0; i < n; i++) words.push(zipfWord(rand))
  if (rand() < 0.05) words.splice(Math.floor(rand() * words.length), 0, `#${100000 + Math.floor(rand() * 900000)}`)
  const text = words.join(' ')
  return text.charAt(0).toUpperCase() + text.slice(1) + pick(rand, ['.', '?', '!', '', '.'])
}

const FIRST = ['Maria', 'Jan', 'Sofia', 'Lukas', 'Emma', 'Noah', 'Olivia', 'Mateo', 'Zofia', 'Lea', 'Hugo', 'Chloé', 'Ali', 'Aiko', 'Tomasz', 'Inès', 'Björn', 'Ana', 'Pedro', 'Yara']
const LAST = ['Kowalski', 'Müller', 'García', 'Rossi', 'Dubois', 'Nowak', 'Smith', 'Jensen', 'Silva', 'Novák', 'Schmidt', 'Fernández', 'Costa', 'Lindqvist', 'Yilmaz', 'Tanaka']

export function visitorName(rand: () => number): string {
  return `${pick(rand, FIRST)} ${pick(rand, LAST)}`
}

/**
 * About 50 queries as agents type them: common and mid-frequency words (a trailing space says the
 * word is complete), bare prefixes, two-word queries, rare words and order numbers, visitor names.
 * `orderNumbers` are numbers present in the generated messages.
 */
export function searchQueries(rand: () => number, orderNumbers: readonly string[]): string[] {
  const common = VOCABULARY.slice(10, 60).filter((w) => w.length > 3)
  const middle = VOCABULARY.slice(60, 250)
  const rare = VOCABULARY.slice(-30)
  const q: string[] = []
  for (let i = 0; i < 8; i++) q.push(`${pick(rand, common)} `)
  for (let i = 0; i < 8; i++) q.push(pick(rand, middle))
  for (let i = 0; i < 8; i++) {
    const w = pick(rand, [...common, ...middle])
    q.push(w.slice(0, 2 + Math.floor(rand() * 2)))
  }
  for (let i = 0; i < 6; i++) q.push(`${pick(rand, common)} ${pick(rand, middle)}`)
  for (let i = 0; i < 4; i++) {
    const w = pick(rand, middle)
    q.push(`${pick(rand, middle)} ${w.slice(0, Math.max(3, w.length - 2))}`)
  }
  for (let i = 0; i < 6; i++) q.push(pick(rand, rare))
  for (let i = 0; i < 4 && orderNumbers.length; i++) q.push(pick(rand, orderNumbers))
  for (let i = 0; i < 3; i++) q.push(pick(rand, FIRST))
  for (let i = 0; i < 3; i++) q.push(`${pick(rand, FIRST)} ${pick(rand, LAST).slice(0, 4)}`)
  return q
}
