// Vendors the JetBrains Mono files the stylesheet uses (latin 400 and 700) into wwwroot/fonts,
// which is committed: the app serves its own font and needs neither Node nor a CDN at run time.
import { copyFileSync, mkdirSync } from "node:fs";

const from = "node_modules/@fontsource/jetbrains-mono/files";
const to = "wwwroot/fonts";
mkdirSync(to, { recursive: true });
for (const weight of [400, 700]) {
  const file = `jetbrains-mono-latin-${weight}-normal.woff2`;
  copyFileSync(`${from}/${file}`, `${to}/${file}`);
  console.log(`${to}/${file}`);
}
// The font's licence (SIL Open Font License) travels with the files.
copyFileSync("node_modules/@fontsource/jetbrains-mono/LICENSE", `${to}/LICENSE-jetbrains-mono.txt`);
