import { InvalidFieldError } from "../errors.ts";

/**
 * Splits a command line as a POSIX shell would (single and double quotes,
 * backslash escapes), since python-zunclient sends `execute`'s command as one
 * quoted string.
 */
export function splitCommand(line: string, field = "command"): string[] {
  const words: string[] = [];
  let word = "";
  let inWord = false;
  let quote: "'" | '"' | null = null;
  for (let index = 0; index < line.length; index++) {
    const char = line[index]!;
    if (quote === "'") {
      if (char === "'") quote = null;
      else word += char;
    } else if (quote === '"') {
      if (char === '"') quote = null;
      else if (char === "\\" && index + 1 < line.length && '"\\$`'.includes(line[index + 1]!)) word += line[++index];
      else word += char;
    } else if (char === "'" || char === '"') {
      quote = char;
      inWord = true;
    } else if (char === "\\" && index + 1 < line.length) {
      word += line[++index];
      inWord = true;
    } else if (/\s/.test(char)) {
      if (inWord) words.push(word);
      word = "";
      inWord = false;
    } else {
      word += char;
      inWord = true;
    }
  }
  if (quote) throw new InvalidFieldError(field, "has an unclosed quote");
  if (inWord) words.push(word);
  if (words.length === 0) throw new InvalidFieldError(field, "must not be empty");
  return words;
}
