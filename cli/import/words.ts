/**
 * Compose's string form of `command`, `entrypoint` and CMD-SHELL tests is
 * split into words the way a POSIX shell would (quotes, backslashes), but
 * never run through a shell. `${…}` stays one word, so interpolation can
 * happen per word afterwards.
 */
export function splitWords(text: string): string[] {
  const words: string[] = [];
  let word = '';
  let inWord = false;
  let quote: '"' | "'" | undefined;
  for (let i = 0; i < text.length; i++) {
    const char = text[i]!;
    if (quote) {
      if (char === quote) quote = undefined;
      else if (char === '\\' && quote === '"' && /["\\$`]/.test(text[i + 1] ?? '')) word += text[++i];
      else word += char;
      continue;
    }
    if (char === '$' && text[i + 1] === '{') {
      const end = text.indexOf('}', i);
      const stop = end === -1 ? text.length : end + 1;
      word += text.slice(i, stop);
      inWord = true;
      i = stop - 1;
      continue;
    }
    if (char === "'" || char === '"') {
      quote = char;
      inWord = true;
    } else if (char === '\\' && i + 1 < text.length) {
      word += text[++i];
      inWord = true;
    } else if (/\s/.test(char)) {
      if (inWord) words.push(word);
      word = '';
      inWord = false;
    } else {
      word += char;
      inWord = true;
    }
  }
  if (inWord) words.push(word);
  return words;
}
