import QRCode from 'qrcode';
import { escapeHtml } from './html';

/**
 * `text` as a QR code in SVG, made here to be written into the page itself: no image is fetched,
 * from this origin or another, and the CSP needs no img-src. Named for screen readers by `label`.
 */
export async function qrCodeSvg(text: string, label: string): Promise<string> {
  const svg = await QRCode.toString(text, { type: 'svg', errorCorrectionLevel: 'M', margin: 4 });
  return svg.trim().replace('<svg ', `<svg role="img" aria-label="${escapeHtml(label)}" `);
}
