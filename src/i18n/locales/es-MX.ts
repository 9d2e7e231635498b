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
      shopDomain: {
        message: 'El dominio de tienda «{{value}}» no sirve: $t(errors.input.shopDomain.reasons.{{reason}}). Escribe el dominio myshopify.com de la tienda, por ejemplo mi-tienda.myshopify.com.',
        reasons: {
          missing: 'falta el dominio de la tienda',
          whitespace: 'tiene espacios',
          has_scheme: 'empieza con un esquema como https://',
          has_userinfo: 'contiene «@»',
          has_path: 'contiene una ruta, una query o un fragmento',
          has_port: 'contiene un puerto',
          ip_address: 'es una dirección IP',
          uppercase: 'tiene letras mayúsculas',
          not_myshopify: 'no es un dominio myshopify.com',
          invalid_name: 'el nombre de la tienda antes de .myshopify.com solo admite minúsculas, dígitos y guiones internos',
        },
      },
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
      usageWindowEmpty: 'El argumento to ({{to}}) debe ser posterior al argumento from ({{from}}).',
      usageWindowTooLongDays: 'Con granularidad {{granularity}} la ventana puede durar como máximo {{days}} días, y de {{from}} a {{to}} es más larga. Pide una ventana más corta.',
      usageWindowTooLongHours: 'Con granularidad {{granularity}} la ventana puede durar como máximo {{hours}} horas, y de {{from}} a {{to}} es más larga. Pide una ventana más corta o usa la granularidad HOUR.',
      apiKeyNotSupported: '{{marketplace}} se conecta con autorización, no con llaves de API; usa startMarketplaceAuthorization.',
      apiKeyRejected: '{{marketplace}} rechazó las llaves. Revisa openKeyId y secretKey en el portal de vendedores e inténtalo de nuevo; no se guardó nada.',
      refreshNotSupported: 'La conexión {{id}} de {{marketplace}} no tiene token de actualización, así que no hay nada que renovar. Si dejó de funcionar, vuelve a conectar la cuenta.',
      required: 'El argumento {{argument}} no puede estar vacío.',
      supplierIdInvalid: 'El argumento supplierId debe ser tu número de proveedor de SHEIN (solo dígitos); se recibió {{value}}.',
      callbackParameterMismatch: 'El argumento {{argument}} no coincide con el parámetro {{parameter}} de redirectQuery; envía los valores tal como llegaron en la redirección.',
    },
    conflict: {
      connectionNotActive: 'La conexión {{id}} está en estado {{status}}; vuelve a conectar la cuenta antes de sincronizar.',
      connectionDisconnected: 'La conexión {{id}} está desconectada; vuelve a conectar la cuenta de {{marketplace}}.',
      needsReauthorization: 'La conexión {{id}} necesita una nueva autorización de {{marketplace}} porque su token de actualización ya no funciona. Vuelve a conectar la cuenta.',
      noCredentials: 'La conexión {{id}} no tiene credenciales guardadas; vuelve a conectar la cuenta de {{marketplace}}.',
      refreshRejected: '{{marketplace}} rechazó la renovación del token de la conexión {{id}}, así que necesita una nueva autorización. Vuelve a conectar la cuenta.',
    },
    marketplace: {
      unavailable: '{{marketplace}} no respondió o pidió esperar. Inténtalo de nuevo en unos minutos.',
      invalidResponse: '{{marketplace}} respondió con datos que este servicio no entiende, así que no se usaron. Inténtalo más tarde; si continúa, contacta a soporte.',
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
      state_other_tenant: 'Esta solicitud de conexión se inició desde otra cuenta de EGDC, así que no se usó. Inicia la conexión de nuevo desde esta cuenta.',
      exchange_invalid_response: '{{marketplace}} respondió a la solicitud de tokens con datos que no entendemos. No se guardó nada; inténtalo de nuevo más tarde.',
      exchange_unavailable: '{{marketplace}} no respondió a la solicitud de tokens. No se guardó nada; vuelve a EGDC e inicia la conexión de nuevo en unos minutos.',
    },
  },
  connectionStatus: {
    reasons: {
      authorized: 'La cuenta se autorizó en {{marketplace}}.',
      api_key_verified: 'La cuenta se conectó con llaves del portal de vendedores de {{marketplace}}, y las llaves se verificaron.',
      refreshed: 'Se renovó el token y la conexión volvió a funcionar.',
      refresh_rejected: '{{marketplace}} rechazó la renovación del token. Vuelve a conectar la cuenta.',
      refresh_token_missing: 'El token de acceso venció y {{marketplace}} no entregó un token de actualización. Vuelve a conectar la cuenta.',
      refresh_failed: '{{marketplace}} respondió a la renovación del token con datos que no entendemos. Intenta renovar la conexión; si vuelve a fallar, conecta la cuenta de nuevo.',
      disconnected: 'Un usuario desconectó la cuenta; no había credenciales guardadas que revocar.',
      disconnected_revoked: 'Un usuario desconectó la cuenta y {{marketplace}} retiró la autorización de EGDC.',
      disconnected_revocation_unsupported: 'Un usuario desconectó la cuenta. {{marketplace}} no permite retirar la autorización desde EGDC; retírala en su portal de vendedores si ya no usarás EGDC.',
      disconnected_revocation_failed: 'Un usuario desconectó la cuenta, pero {{marketplace}} no confirmó que retiró la autorización. Retírala en el portal de vendedores de {{marketplace}}.',
    },
  },
  events: {
    SYNC_RUN_STARTED: 'Comenzó una sincronización.',
    SYNC_RUN_FINISHED: 'Terminó una sincronización.',
    LISTING_UPDATED: 'Se actualizó una publicación.',
    STOCK_PUSHED: 'Se enviaron existencias al marketplace.',
    ORDER_APPLIED: 'Se aplicó un pedido del marketplace a las existencias.',
    CONNECTION_STATUS_CHANGED: 'Cambió el estado de la conexión.',
    CONNECTION_DEGRADED: 'Las llamadas al marketplace están en pausa tras fallas repetidas; se vuelven a intentar después de una breve espera.',
    CONNECTION_RECOVERED: 'Las llamadas al marketplace funcionan de nuevo.',
  },
};

/** Shape every locale must match: the same nested keys, each a string. */
export type Messages = DeepStrings<typeof esMX>;

type DeepStrings<T> = { [K in keyof T]: T[K] extends string ? string : DeepStrings<T[K]> };
