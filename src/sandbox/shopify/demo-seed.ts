import type { SeedShopInput } from './types.js';

/** A small demo shop: two footwear models with sizes, used by the CLI and the demo. */
export const DEMO_SHOP: SeedShopInput = {
  shopDomain: 'zapateria-demo.myshopify.com',
  name: 'Zapatería Demo',
  currencyCode: 'MXN',
  products: [
    {
      title: 'Tacones Gabrielas 200 Plata',
      vendor: 'GABRIELAS',
      variants: [
        { sku: 'GABR200_PLATA23', size: '23', color: 'Plata', barcode: '7506597529564', price: 418, available: 3 },
        { sku: 'GABR200_PLATA24', size: '24', color: 'Plata', price: 418, available: 5 },
        { sku: 'GABR200_PLATA25', size: '25', color: 'Plata', price: 418, available: 0 },
      ],
    },
    {
      title: 'Tenis Urbano Niño 310 Negro',
      vendor: 'PASOS',
      variants: [
        { sku: 'PAS310_NEGRO18', size: '18', color: 'Negro', price: 599, available: 4 },
        { sku: 'PAS310_NEGRO19', size: '19', color: 'Negro', price: 599, available: 2 },
      ],
    },
  ],
};
