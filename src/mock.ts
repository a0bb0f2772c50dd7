/** `qualys-ts/mock`: Prism mocks of the bundled specs on 127.0.0.1 for integration tests. */
export { startQualysMock, mockableModules, type QualysMock, type QualysMockOptions } from "./mock/index.js";
/** The synthetic VM subscription (also at `qualys-ts/tenant`): plain node:http, no Prism. */
export { startTenant, TenantModel, type Tenant, type TenantOptions } from "./mock/tenant/index.js";
