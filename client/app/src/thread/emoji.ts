/**
 * The composer's emoji: a built-in list of common emoji with short names (as in `:smile:`) and
 * keywords, the matching that ranks them for a typed query, and where a `:query` sits in the text.
 * Pure and dependency-free, so it works offline and is tested without a browser.
 */

export interface Emoji {
  char: string
  /** The short name, as typed after a colon. */
  name: string
  keywords: readonly string[]
}

/** [emoji, short name, keywords]: the most used first, so that ties keep a familiar order. */
const TABLE: readonly (readonly [string, string, string])[] = [
  ['😄', 'smile', 'happy joy laugh pleased'],
  ['😃', 'smiley', 'happy joy haha'],
  ['😀', 'grinning', 'happy smile'],
  ['😁', 'grin', 'happy smile teeth'],
  ['😆', 'laughing', 'happy haha lol satisfied'],
  ['😅', 'sweat_smile', 'relief phew'],
  ['🤣', 'rofl', 'lol laughing floor'],
  ['😂', 'joy', 'tears laugh lol'],
  ['🙂', 'slightly_smiling_face', 'smile'],
  ['🙃', 'upside_down_face', 'silly sarcasm'],
  ['😉', 'wink', 'flirt'],
  ['😊', 'blush', 'smile proud shy'],
  ['😇', 'innocent', 'angel halo'],
  ['🥰', 'smiling_face_with_hearts', 'love crush adore'],
  ['😍', 'heart_eyes', 'love crush'],
  ['🤩', 'star_struck', 'wow amazing'],
  ['😘', 'kissing_heart', 'kiss love'],
  ['😋', 'yum', 'tasty delicious'],
  ['😛', 'stuck_out_tongue', 'tongue silly'],
  ['😜', 'stuck_out_tongue_winking_eye', 'joke silly'],
  ['🤪', 'zany_face', 'crazy goofy'],
  ['🤗', 'hugs', 'hug thanks'],
  ['🤭', 'hand_over_mouth', 'oops giggle'],
  ['🤫', 'shushing_face', 'quiet secret'],
  ['🤔', 'thinking', 'hmm consider wonder'],
  ['🤐', 'zipper_mouth_face', 'secret silent'],
  ['🤨', 'raised_eyebrow', 'suspicious doubt'],
  ['😐', 'neutral_face', 'meh'],
  ['😑', 'expressionless', 'blank'],
  ['😶', 'no_mouth', 'speechless'],
  ['😏', 'smirk', 'smug'],
  ['😒', 'unamused', 'meh annoyed'],
  ['🙄', 'roll_eyes', 'whatever eyeroll'],
  ['😬', 'grimacing', 'awkward oops'],
  ['😌', 'relieved', 'calm phew'],
  ['😔', 'pensive', 'sad'],
  ['😪', 'sleepy', 'tired'],
  ['😴', 'sleeping', 'zzz tired'],
  ['😷', 'mask', 'sick ill'],
  ['🤒', 'face_with_thermometer', 'sick ill fever'],
  ['🤢', 'nauseated_face', 'sick gross'],
  ['🤧', 'sneezing_face', 'sick cold'],
  ['🥵', 'hot_face', 'heat sweat'],
  ['🥶', 'cold_face', 'freezing'],
  ['😵', 'dizzy_face', 'confused'],
  ['🤯', 'exploding_head', 'mind blown shocked'],
  ['🥳', 'partying_face', 'party celebrate birthday'],
  ['😎', 'sunglasses', 'cool'],
  ['🤓', 'nerd_face', 'geek'],
  ['🧐', 'monocle_face', 'inspect'],
  ['😕', 'confused', 'puzzled'],
  ['😟', 'worried', 'nervous'],
  ['🙁', 'slightly_frowning_face', 'sad'],
  ['😮', 'open_mouth', 'surprise wow'],
  ['😯', 'hushed', 'surprise'],
  ['😲', 'astonished', 'amazed shocked'],
  ['😳', 'flushed', 'embarrassed'],
  ['🥺', 'pleading_face', 'please puppy'],
  ['😦', 'frowning', 'sad'],
  ['😧', 'anguished', 'stunned'],
  ['😨', 'fearful', 'scared'],
  ['😰', 'cold_sweat', 'nervous'],
  ['😥', 'disappointed_relieved', 'phew'],
  ['😢', 'cry', 'sad tear'],
  ['😭', 'sob', 'sad crying'],
  ['😱', 'scream', 'horror shocked'],
  ['😖', 'confounded', 'frustrated'],
  ['😣', 'persevere', 'struggle'],
  ['😞', 'disappointed', 'sad'],
  ['😓', 'sweat', 'hard work'],
  ['😩', 'weary', 'tired'],
  ['😫', 'tired_face', 'exhausted'],
  ['🥱', 'yawning_face', 'bored tired'],
  ['😤', 'triumph', 'proud huff'],
  ['😡', 'rage', 'angry mad'],
  ['😠', 'angry', 'mad annoyed'],
  ['🤬', 'cursing_face', 'swear angry'],
  ['😈', 'smiling_imp', 'devil evil'],
  ['💀', 'skull', 'dead'],
  ['💩', 'poop', 'crap'],
  ['🤡', 'clown_face', 'clown'],
  ['👻', 'ghost', 'halloween'],
  ['👽', 'alien', 'ufo'],
  ['🤖', 'robot', 'bot'],
  ['😺', 'smiley_cat', 'cat happy'],
  ['🙈', 'see_no_evil', 'monkey oops'],
  ['🙉', 'hear_no_evil', 'monkey'],
  ['🙊', 'speak_no_evil', 'monkey oops'],
  ['👋', 'wave', 'hello hi bye goodbye'],
  ['🤚', 'raised_back_of_hand', 'stop'],
  ['✋', 'hand', 'raised stop high five'],
  ['👌', 'ok_hand', 'okay fine perfect'],
  ['🤌', 'pinched_fingers', 'italian'],
  ['✌️', 'v', 'victory peace'],
  ['🤞', 'crossed_fingers', 'luck hope'],
  ['🤟', 'love_you_gesture', 'love'],
  ['🤘', 'metal', 'rock'],
  ['🤙', 'call_me_hand', 'call phone'],
  ['👈', 'point_left', 'left'],
  ['👉', 'point_right', 'right'],
  ['👆', 'point_up_2', 'up'],
  ['👇', 'point_down', 'down'],
  ['☝️', 'point_up', 'up one'],
  ['👍', 'thumbsup', '+1 yes like approve agree ok'],
  ['👎', 'thumbsdown', '-1 no dislike'],
  ['✊', 'fist_raised', 'power'],
  ['👊', 'fist_oncoming', 'punch bump'],
  ['👏', 'clap', 'applause bravo congrats'],
  ['🙌', 'raised_hands', 'hooray celebrate'],
  ['👐', 'open_hands', 'hug'],
  ['🤝', 'handshake', 'deal agreement'],
  ['🙏', 'pray', 'please thanks hope'],
  ['✍️', 'writing_hand', 'write'],
  ['💪', 'muscle', 'strong flex'],
  ['👀', 'eyes', 'look see watching'],
  ['🧠', 'brain', 'smart'],
  ['❤️', 'heart', 'love like'],
  ['🧡', 'orange_heart', 'love'],
  ['💛', 'yellow_heart', 'love'],
  ['💚', 'green_heart', 'love'],
  ['💙', 'blue_heart', 'love'],
  ['💜', 'purple_heart', 'love'],
  ['🖤', 'black_heart', 'love'],
  ['💔', 'broken_heart', 'sad heartbreak'],
  ['💕', 'two_hearts', 'love'],
  ['💖', 'sparkling_heart', 'love'],
  ['💯', '100', 'hundred perfect score'],
  ['💥', 'boom', 'collision explosion'],
  ['💫', 'dizzy', 'star'],
  ['💬', 'speech_balloon', 'chat message comment'],
  ['💡', 'bulb', 'idea light'],
  ['🔥', 'fire', 'hot lit flame'],
  ['✨', 'sparkles', 'shiny new magic'],
  ['⭐', 'star', 'favourite favorite'],
  ['🌟', 'star2', 'glow'],
  ['⚡', 'zap', 'lightning fast'],
  ['🎉', 'tada', 'party celebrate congrats hooray'],
  ['🎊', 'confetti_ball', 'party'],
  ['🎁', 'gift', 'present birthday'],
  ['🎂', 'birthday', 'cake'],
  ['🏆', 'trophy', 'win award'],
  ['🥇', 'first_place_medal', 'gold winner'],
  ['✅', 'white_check_mark', 'done yes ok check'],
  ['✔️', 'heavy_check_mark', 'done ok check'],
  ['❌', 'x', 'no cross wrong cancel'],
  ['❗', 'exclamation', 'important warning'],
  ['❓', 'question', 'help what'],
  ['⚠️', 'warning', 'caution alert'],
  ['🚫', 'no_entry_sign', 'forbidden stop'],
  ['⏳', 'hourglass', 'wait time loading'],
  ['⏰', 'alarm_clock', 'time wake'],
  ['📅', 'date', 'calendar schedule'],
  ['📦', 'package', 'parcel box delivery shipping'],
  ['🚚', 'truck', 'delivery shipping'],
  ['✈️', 'airplane', 'flight travel'],
  ['🚀', 'rocket', 'launch ship fast'],
  ['🏠', 'house', 'home'],
  ['📞', 'phone', 'call telephone'],
  ['📱', 'iphone', 'mobile phone smartphone'],
  ['💻', 'computer', 'laptop'],
  ['📧', 'email', 'mail e-mail'],
  ['✉️', 'envelope', 'letter mail'],
  ['📎', 'paperclip', 'attachment'],
  ['📝', 'memo', 'note write'],
  ['📌', 'pushpin', 'pin'],
  ['🔒', 'lock', 'secure private'],
  ['🔑', 'key', 'password'],
  ['🔗', 'link', 'url chain'],
  ['🔍', 'mag', 'search find zoom'],
  ['💰', 'moneybag', 'money cash'],
  ['💳', 'credit_card', 'payment card'],
  ['🛒', 'shopping_cart', 'cart buy'],
  ['🏷️', 'label', 'tag price'],
  ['☕', 'coffee', 'cafe drink break'],
  ['🍕', 'pizza', 'food'],
  ['🍺', 'beer', 'drink'],
  ['🍷', 'wine_glass', 'drink'],
  ['🌞', 'sun_with_face', 'sunny'],
  ['☀️', 'sunny', 'weather sun'],
  ['🌧️', 'cloud_with_rain', 'rain weather'],
  ['❄️', 'snowflake', 'winter cold'],
  ['🌈', 'rainbow', 'pride'],
  ['🌹', 'rose', 'flower'],
  ['🐶', 'dog', 'puppy pet'],
  ['🐱', 'cat', 'kitten pet'],
  ['🦄', 'unicorn', 'magic'],
]

/** Every built-in emoji, most used first. */
export const EMOJI: readonly Emoji[] = TABLE.map(([char, name, keywords]) => ({ char, name, keywords: keywords.split(' ') }))

/** How many matches the picker shows for a typed query. */
export const MAX_MATCHES = 8

/**
 * Ranks an emoji for a lower-case query: 0 the name itself, 1 the name starts with it, 2 a word
 * of the name does (`face` in `cold_face`), 3 a keyword does, 4 the name contains it; null when
 * nothing does.
 */
function rank(e: Emoji, q: string): number | null {
  if (e.name === q) return 0
  if (e.name.startsWith(q)) return 1
  if (e.name.split('_').some((w) => w.startsWith(q))) return 2
  if (e.keywords.some((k) => k.startsWith(q))) return 3
  if (q.length >= 3 && e.name.includes(q)) return 4
  return null
}

/** The emoji matching `query` (without its colon), best first; stable in list order for ties. */
export function matchEmoji(query: string, limit = MAX_MATCHES): Emoji[] {
  const q = query.trim().toLowerCase()
  if (!q) return EMOJI.slice(0, limit)
  const ranked: { e: Emoji; r: number; i: number }[] = []
  EMOJI.forEach((e, i) => {
    const r = rank(e, q)
    if (r !== null) ranked.push({ e, r, i })
  })
  ranked.sort((a, b) => a.r - b.r || a.i - b.i)
  return ranked.slice(0, limit).map((x) => x.e)
}

/** The emoji of an exact short name, if there is one. */
export function emojiByName(name: string): Emoji | undefined {
  const n = name.toLowerCase()
  return EMOJI.find((e) => e.name === n)
}

/** A `:query` being typed: the colon's index, the caret's, and the letters between them. */
export interface ShortcodeQuery {
  start: number
  end: number
  query: string
}

/**
 * Letters needed after the colon before the picker opens. One is not enough: "ok :p" then Enter
 * must send the message, not turn into 🙏; two is what Slack and GitHub settled on.
 */
export const MIN_QUERY_LENGTH = 2

/** A short name being typed after a delimiter: letters, digits, `_`, `+` or `-`. */
const SHORTCODE_BEFORE_CARET = /[\s([{"'](:([\p{L}\p{N}+-][\p{L}\p{N}_+-]*))$/u

/** Longest stretch before the caret worth looking at: short names are short, whatever the text. */
const LOOK_BACK = 40

/**
 * The `:query` that ends at the caret, if the agent is typing one. The colon must start a word,
 * so times ("10:30"), addresses ("https://") and ratios do not open the picker.
 */
export function shortcodeAt(text: string, caret: number): ShortcodeQuery | null {
  if (caret < 0 || caret > text.length) return null
  const from = Math.max(0, caret - LOOK_BACK)
  // The start of the text counts as a delimiter.
  const m = SHORTCODE_BEFORE_CARET.exec((from === 0 ? ' ' : '') + text.slice(from, caret))
  if (!m) return null
  const query = m[2]!
  if (query.length < MIN_QUERY_LENGTH) return null
  return { start: caret - m[1]!.length, end: caret, query }
}

/** `text` with `[start, end)` replaced by `insert`, and where the caret goes after it. */
export function insertAt(text: string, start: number, end: number, insert: string): { text: string; caret: number } {
  return { text: text.slice(0, start) + insert + text.slice(end), caret: start + insert.length }
}

/**
 * The option an arrow key selects among `count`, laid out in `columns` per row (1: a list).
 * A list wraps around; a grid stops at its edges. Null for keys that do not move the selection
 * (Left and Right in a list belong to the text's caret).
 */
export function moveSelection(active: number, key: string, count: number, columns: number): number | null {
  if (count === 0) return null
  const grid = columns > 1
  const step = key === 'ArrowDown' ? columns : key === 'ArrowUp' ? -columns : grid && key === 'ArrowRight' ? 1 : grid && key === 'ArrowLeft' ? -1 : 0
  if (step === 0) return null
  const next = active + step
  if (next < 0) return grid ? Math.max(0, active) : count - 1
  if (next >= count) return grid ? Math.min(count - 1, active) : 0
  return next
}
