// The wall's sound: a chime synthesised with Web Audio (no audio file to fetch) and the Web
// Speech API's zh-CN voice where the machine has one.

let ctx: AudioContext | null = null;

/** The page's audio context, created on first use; null where Web Audio is missing. */
export function audio(): AudioContext | null {
  if (ctx) return ctx;
  const Ctor = (window.AudioContext ??
    (window as unknown as { webkitAudioContext?: typeof AudioContext }).webkitAudioContext) as
    typeof AudioContext | undefined;
  if (!Ctor) return null;
  ctx = new Ctor();
  return ctx;
}

/** Whether the browser lets the page make sound now (autoplay not blocked). */
export function soundAllowed(): boolean {
  return audio()?.state === 'running';
}

/** Resumes audio after a user gesture (the "点击开启声音" click) and unlocks speech too. */
export async function unlockSound(): Promise<boolean> {
  const a = audio();
  if (!a) return false;
  await a.resume().catch(() => {});
  if ('speechSynthesis' in window) window.speechSynthesis.speak(new SpeechSynthesisUtterance(''));
  return a.state === 'running';
}

/** A short two-note chime (E5 then A5, about 0.7 s). */
export function chime(): void {
  const a = audio();
  if (!a || a.state !== 'running') return;
  const t0 = a.currentTime + 0.02;
  [659.25, 880].forEach((freq, i) => {
    const osc = a.createOscillator();
    const gain = a.createGain();
    osc.type = 'sine';
    osc.frequency.value = freq;
    const start = t0 + i * 0.22;
    gain.gain.setValueAtTime(0.0001, start);
    gain.gain.exponentialRampToValueAtTime(0.35, start + 0.02);
    gain.gain.exponentialRampToValueAtTime(0.0001, start + 0.45);
    osc.connect(gain).connect(a.destination);
    osc.start(start);
    osc.stop(start + 0.5);
  });
}

/** A zh-CN voice of this machine, or null (then the chime plays alone). */
export function chineseVoice(): SpeechSynthesisVoice | null {
  if (!('speechSynthesis' in window)) return null;
  const voices = window.speechSynthesis.getVoices();
  return voices.find((v) => /^zh[-_]CN/i.test(v.lang)) ?? voices.find((v) => /^(zh|cmn)/i.test(v.lang)) ?? null;
}

/** Says `text` in zh-CN when a Chinese voice exists; returns whether it did. */
export function speak(text: string): boolean {
  const voice = chineseVoice();
  if (!voice) return false;
  const u = new SpeechSynthesisUtterance(text);
  u.lang = 'zh-CN';
  try {
    u.voice = voice;
  } catch {
    /* not a voice object this engine accepts: lang alone picks a Chinese voice */
  }
  u.rate = 0.95;
  // Starts after the chime has rung.
  setTimeout(() => window.speechSynthesis.speak(u), 750);
  return true;
}
