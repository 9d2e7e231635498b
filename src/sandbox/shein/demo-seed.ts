import type { SeedSellerInput } from './types.js';

/** A small demo seller: two footwear models with sizes, used by the CLI. */
export const DEMO_SELLER: SeedSellerInput = {
  name: 'ZAPATERIA_DEMO_MX',
  products: [
    {
      title: 'Tacones Gabrielas 200 Plata',
      price: 418,
      skcs: [
        {
          color: 'Plata',
          sizes: [
            { size: '23', sellerSku: 'GABR200_PLATA23', quantity: 3, barcode: '7506597529564' },
            { size: '24', sellerSku: 'GABR200_PLATA24', quantity: 5 },
            { size: '25', sellerSku: 'GABR200_PLATA25', quantity: 0 },
          ],
        },
      ],
    },
    {
      title: 'Tenis Urbano Niño 310 Negro',
      price: 599,
      skcs: [
        {
          color: 'Negro',
          sizes: [
            { size: '18', sellerSku: 'PAS310_NEGRO18', quantity: 4 },
            { size: '19', sellerSku: 'PAS310_NEGRO19', quantity: 2 },
          ],
        },
      ],
    },
  ],
};
