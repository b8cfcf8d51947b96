import type { RequestHandler } from '../http/lambda';
import { ASSETS } from './assets';
import { returnPage } from './next-page';
import { isSessionPage, sessionPage, type PagesApp } from './session-pages';
import { assetFile, htmlPage, NOT_FOUND } from './respond';
import { FORM_PAGES, formPageHtml, isFormName, NOTICES, type FormName } from './views';

/** What the address may fill in: the non-password fields (a mail link's email and token). */
function prefilled(
  name: FormName,
  query: Record<string, string | undefined>,
): Record<string, string> {
  const values: Record<string, string> = {};
  for (const { name: field, type } of FORM_PAGES[name].fields) {
    const value = query[field];
    if (type !== 'password' && value !== undefined) values[field] = value;
  }
  return values;
}

/** GET /account/{page}: a page, or one of its two files. */
export function showPage(app: PagesApp): RequestHandler {
  return async (event) => {
    const name = event.pathParameters?.page ?? '';
    const asset = ASSETS.get(name);
    if (asset !== undefined) return assetFile(asset.contentType, asset.body);
    const query = event.queryStringParameters ?? {};
    const noticeName = Object.hasOwn(NOTICES, query.notice ?? '') ? query.notice : undefined;
    const notice = noticeName === undefined ? undefined : NOTICES[noticeName];
    if (isSessionPage(name)) return sessionPage(name, event, app, { notice });
    if (!isFormName(name)) return NOT_FOUND;
    return htmlPage(
      200,
      formPageHtml(name, {
        notice,
        noticeName,
        values: prefilled(name, query),
        next: returnPage(query.next),
      }),
    );
  };
}
