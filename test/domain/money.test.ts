import { expect } from 'chai';
import { currencyExponent, formatMinor, minorUnits, normaliseCurrency } from '../../domain/money.ts';

describe('money', () => {
  describe('currencyExponent', () => {
    it('knows zero-, two- and three-decimal currencies', () => {
      expect(currencyExponent('JPY')).to.equal(0);
      expect(currencyExponent('KRW')).to.equal(0);
      expect(currencyExponent('XPF')).to.equal(0);
      expect(currencyExponent('USD')).to.equal(2);
      expect(currencyExponent('EUR')).to.equal(2);
      expect(currencyExponent('KWD')).to.equal(3);
      expect(currencyExponent('TND')).to.equal(3);
    });

    it('reads Stripe\'s lower-case codes', () => {
      expect(currencyExponent('jpy')).to.equal(0);
    });
  });

  describe('normaliseCurrency', () => {
    it('upper-cases a Stripe currency', () => {
      expect(normaliseCurrency('usd')).to.equal('USD');
    });

    for (const invalid of ['us', 'usdx', 'u$d', '', 'currency']) {
      it(`rejects ${JSON.stringify(invalid)}`, () => {
        expect(() => normaliseCurrency(invalid)).to.throw(/3-letter ISO 4217/);
      });
    }
  });

  describe('formatMinor', () => {
    const cases: [bigint | number, string, string][] = [
      [14900, 'USD', '149.00'],
      [14900, 'usd', '149.00'],
      [5, 'USD', '0.05'],
      [0, 'USD', '0.00'],
      [-5, 'USD', '-0.05'],
      [-14900, 'USD', '-149.00'],
      [14900, 'JPY', '14900'],
      [-3, 'JPY', '-3'],
      [1234, 'KWD', '1.234'],
      [7, 'KWD', '0.007'],
      [-1234, 'KWD', '-1.234'],
      [123456789012345678901234567890n, 'USD', '1234567890123456789012345678.90'],
      [-900719925474099312n, 'KWD', '-900719925474099.312'],
      [14900n, 'JPY', '14900'],
    ];
    for (const [amount, currency, expected] of cases) {
      it(`formats ${String(amount)} ${currency} as ${expected}`, () => {
        expect(formatMinor(amount, currency)).to.equal(expected);
      });
    }

    it('rejects amounts that are not whole minor units', () => {
      expect(() => formatMinor(1.5, 'USD')).to.throw(/not a safe integer/);
      expect(() => formatMinor(Number.NaN, 'USD')).to.throw(/not a safe integer/);
    });

    it('rejects numbers too large to hold the amount exactly', () => {
      expect(() => formatMinor(2 ** 60, 'USD')).to.throw(/bigint/);
    });

    it('rejects an invalid currency', () => {
      expect(() => formatMinor(100, 'dollars')).to.throw(/ISO 4217/);
    });
  });

  describe('minorUnits', () => {
    it('accepts safe integers and rejects fractions and unsafe integers', () => {
      expect(minorUnits.safeParse(14900).success).to.equal(true);
      expect(minorUnits.safeParse(-1).success).to.equal(true);
      expect(minorUnits.safeParse(149.5).success).to.equal(false);
      expect(minorUnits.safeParse(2 ** 60).success).to.equal(false);
      expect(minorUnits.safeParse('14900').success).to.equal(false);
    });
  });
});
