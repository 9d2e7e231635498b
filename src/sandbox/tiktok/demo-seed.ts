import type { SeedShop } from './types.js';

/** A small demo seller with one Mexican shop and two footwear products with sizes, used by the CLI. */
export const DEMO_SELLER: { sellerName: string; baseRegion: string; shops: SeedShop[] } = {
  sellerName: 'Zapatería Demo MX',
  baseRegion: 'MX',
  shops: [
    {
      name: 'ZAPATERIA_DEMO_MX',
      region: 'MX',
      products: [
        {
          title: 'Tacones Gabrielas 200 Plata',
          skus: [
            { sellerSku: 'GABR200_PLATA23', size: '23', color: 'PLATA', gtin: '7506597529564', price: 418, quantity: 3 },
            { sellerSku: 'GABR200_PLATA24', size: '24', color: 'PLATA', price: 418, quantity: 5 },
            { sellerSku: 'GABR200_PLATA25', size: '25', color: 'PLATA', price: 418, quantity: 0 },
          ],
        },
        {
          title: 'Tenis Urbano Niño 310 Negro',
          sizeAttributeName: 'Size',
          skus: [
            { sellerSku: 'PAS310_NEGRO18', size: '18', color: 'NEGRO', price: 599, quantity: 4 },
            { sellerSku: 'PAS310_NEGRO19', size: '19', color: 'NEGRO', price: 599, quantity: 2 },
          ],
        },
      ],
    },
  ],
};
