import type { SeedItem } from './types.js';

/** A small demo seller: two footwear listings with sizes, used by the CLI and the demo. */
export const DEMO_SELLER: { nickname: string; items: SeedItem[] } = {
  nickname: 'ZAPATERIA_DEMO_MX',
  items: [
    {
      title: 'Tacones Gabrielas 200 Plata',
      price: 418,
      brand: 'GABRIELAS',
      model: '200',
      variations: [
        { sellerSku: 'GABR200_PLATA23', size: '23', color: 'PLATA', gtin: '7506597529564', price: 418, availableQuantity: 3 },
        { sellerSku: 'GABR200_PLATA24', size: '24', color: 'PLATA', price: 418, availableQuantity: 5 },
        { sellerSku: 'GABR200_PLATA25', size: '25', color: 'PLATA', price: 418, availableQuantity: 0 },
      ],
    },
    {
      title: 'Tenis Urbano Niño 310 Negro',
      price: 599,
      brand: 'PASOS',
      model: '310',
      variations: [
        { sellerSku: 'PAS310_NEGRO18', size: '18', color: 'NEGRO', price: 599, availableQuantity: 4 },
        { sellerSku: 'PAS310_NEGRO19', size: '19', color: 'NEGRO', price: 599, availableQuantity: 2 },
      ],
    },
  ],
};
