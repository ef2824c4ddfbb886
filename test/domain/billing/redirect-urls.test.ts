import { expect } from 'chai';
import { checkRedirectUrl, withCheckoutSessionPlaceholder } from '../../../domain/billing/redirect-urls.ts';

const allowed = ['https://app.example.com', 'http://localhost:3000'];

describe('billing redirect URLs', () => {
  it('accepts URLs on an allowed origin, path and query included', () => {
    for (const url of ['https://app.example.com/billing?x=1', 'http://localhost:3000/', 'https://APP.example.com/x']) {
      expect(checkRedirectUrl(url, allowed), url).to.deep.equal({ ok: true, url });
    }
  });

  it('refuses other origins, look-alikes, other schemes and relative URLs', () => {
    for (const url of [
      'https://evil.example.net/',
      'https://app.example.com.evil.net/',
      'https://app.example.com@evil.net/',
      'http://app.example.com/',
      'https://app.example.com:8443/',
      'javascript:alert(1)',
      'data:text/html,hi',
      '//app.example.com/x',
      '/billing',
      '',
    ]) {
      expect(checkRedirectUrl(url, allowed).ok, url).to.equal(false);
    }
  });

  it('adds {CHECKOUT_SESSION_ID} as session_id unless placed, before any fragment, unencoded', () => {
    expect(withCheckoutSessionPlaceholder('https://a.test/done')).to.equal('https://a.test/done?session_id={CHECKOUT_SESSION_ID}');
    expect(withCheckoutSessionPlaceholder('https://a.test/done?x=1')).to.equal('https://a.test/done?x=1&session_id={CHECKOUT_SESSION_ID}');
    expect(withCheckoutSessionPlaceholder('https://a.test/done?')).to.equal('https://a.test/done?session_id={CHECKOUT_SESSION_ID}');
    expect(withCheckoutSessionPlaceholder('https://a.test/done#top')).to.equal('https://a.test/done?session_id={CHECKOUT_SESSION_ID}#top');
    expect(withCheckoutSessionPlaceholder('https://a.test/s/{CHECKOUT_SESSION_ID}')).to.equal('https://a.test/s/{CHECKOUT_SESSION_ID}');
  });
});
