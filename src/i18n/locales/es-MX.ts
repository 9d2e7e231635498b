/**
 * Spanish (Mexico) texts: the default locale and the reference shape. `en.ts` must provide the same
 * keys (the compiler checks it). Placeholders use i18next's `{{name}}` syntax.
 */
export const esMX = {
  errors: {
    codes: {
      UNAUTHENTICATED: 'Se requiere un token de acceso válido.',
      FORBIDDEN: 'No tienes permiso para realizar esta operación.',
      NOT_FOUND: 'No se encontró el recurso solicitado.',
      BAD_USER_INPUT: 'La solicitud contiene datos no válidos.',
      CONFLICT: 'La operación entra en conflicto con el estado actual. Vuelve a consultar los datos e inténtalo de nuevo.',
      RATE_LIMITED: 'Se alcanzó el límite de solicitudes. Espera un momento e inténtalo de nuevo.',
      MARKETPLACE_UNAVAILABLE: 'El marketplace no está disponible en este momento. Inténtalo más tarde.',
      INTERNAL_SERVER_ERROR: 'Ocurrió un error interno. Inténtalo de nuevo; si el problema continúa, contacta a soporte.',
    },
    auth: {
      missing: 'Falta el token de acceso. Envía el encabezado Authorization: Bearer <token>.',
      malformed: 'El encabezado Authorization no es válido. Usa el formato Bearer <token>.',
      invalid: 'El token de acceso no es válido. Solicita un token nuevo.',
      expired: 'El token de acceso expiró. Solicita un token nuevo.',
      claims: 'El token de acceso no incluye un tenant válido (claim tenant_id).',
      unverifiable: 'No se pudo verificar el token de acceso porque las llaves de firma no están disponibles. Inténtalo más tarde.',
      userRequired: 'Esta operación requiere un token de usuario (claim sub).',
    },
    notFound: {
      connection: 'No existe la conexión de marketplace {{id}}.',
      listing: 'No existe la publicación {{id}}.',
      syncRun: 'No existe la ejecución de sincronización {{id}}.',
    },
    input: {
      invalidId: 'El valor {{value}} del argumento {{argument}} no es un identificador válido.',
      pageSize: 'El argumento first debe estar entre 1 y {{max}}; se recibió {{value}}.',
      invalidCursor: 'El cursor del argumento after no es válido. Usa el endCursor de una página anterior de la misma consulta.',
      tooLong: 'El argumento {{argument}} admite como máximo {{max}} caracteres.',
      tooMany: 'El argumento {{argument}} admite como máximo {{max}} valores.',
      invalidQuery: 'La consulta no es válida: {{detail}}',
      marketplaceNotConfigured: 'El marketplace {{marketplace}} no está configurado en este servicio; configura su client id y su secreto.',
      authorizationRejected: 'No se pudo iniciar la autorización de {{marketplace}}: {{detail}}',
      returnToNotAllowed: 'La dirección de regreso {{returnTo}} no está permitida; usa una de las direcciones configuradas en ALLOWED_RETURN_URLS.',
      queryTooDeep: 'La consulta tiene una profundidad de {{depth}} niveles; el máximo es {{max}}.',
    },
    conflict: {
      connectionNotActive: 'La conexión {{id}} está en estado {{status}}; vuelve a conectar la cuenta antes de sincronizar.',
    },
  },
  marketplaces: {
    MERCADOLIBRE: 'Mercado Libre',
    SHOPIFY: 'Shopify',
    TIKTOK: 'TikTok Shop',
    SHEIN: 'SHEIN',
  },
  conflicts: {
    description:
      'El campo {{field}} de {{listing}} en {{marketplace}} cambió en ambos lados: EGDC tiene {{local}} y {{marketplace}} tiene {{remote}}; el último valor acordado era {{base}}.',
    noValue: 'sin valor',
    fields: {
      stock: 'existencias',
      price: 'precio',
      title: 'título',
      status: 'estado',
    },
  },
  oauth: {
    connectedTitle: 'Cuenta conectada',
    failedTitle: 'No se pudo conectar la cuenta',
    connected: 'Tu cuenta de {{marketplace}} ({{account}}) quedó conectada a EGDC. Importaremos tus publicaciones en unos momentos.',
    back: 'Volver a EGDC',
    close: 'Ya puedes cerrar esta ventana.',
    reasons: {
      unknown_marketplace: 'No reconocemos el marketplace «{{value}}». Vuelve a EGDC e inicia la conexión de nuevo.',
      state_missing: 'A la respuesta de {{marketplace}} le falta el parámetro state. Vuelve a EGDC e inicia la conexión de nuevo.',
      state_unknown: 'Esta solicitud de conexión no existe o no es de este servicio. Vuelve a EGDC e inicia la conexión de nuevo.',
      state_used: 'Esta solicitud de conexión ya se usó. Vuelve a EGDC e inicia la conexión de nuevo.',
      state_expired: 'Esta solicitud de conexión expiró (dura 10 minutos). Vuelve a EGDC e inicia la conexión de nuevo.',
      marketplace_mismatch: 'Esta solicitud de conexión se inició para otro marketplace. Vuelve a EGDC e inicia la conexión de nuevo.',
      access_denied: 'Cancelaste la autorización en {{marketplace}}, así que no se conectó nada. Puedes intentarlo de nuevo desde EGDC.',
      code_missing: 'A la respuesta de {{marketplace}} le falta el código de autorización. Vuelve a EGDC e inicia la conexión de nuevo.',
      signature_invalid: 'La respuesta de {{marketplace}} no trae una firma válida, así que no se usó. Vuelve a EGDC e inicia la conexión de nuevo.',
      shop_invalid: 'La tienda de la respuesta de {{marketplace}} no es una dirección válida. Vuelve a EGDC e inicia la conexión de nuevo.',
      shop_mismatch: 'La respuesta llegó de otra tienda de {{marketplace}} distinta a la que iniciaste. Vuelve a EGDC e inicia la conexión de nuevo.',
      exchange_failed: '{{marketplace}} rechazó el código de autorización. No se guardó nada; vuelve a EGDC e inicia la conexión de nuevo.',
    },
  },
  events: {
    SYNC_RUN_STARTED: 'Comenzó una sincronización.',
    SYNC_RUN_FINISHED: 'Terminó una sincronización.',
    LISTING_UPDATED: 'Se actualizó una publicación.',
    STOCK_PUSHED: 'Se enviaron existencias al marketplace.',
    ORDER_APPLIED: 'Se aplicó un pedido del marketplace a las existencias.',
    CONNECTION_STATUS_CHANGED: 'Cambió el estado de la conexión.',
  },
};

/** Shape every locale must match: the same nested keys, each a string. */
export type Messages = DeepStrings<typeof esMX>;

type DeepStrings<T> = { [K in keyof T]: T[K] extends string ? string : DeepStrings<T[K]> };
