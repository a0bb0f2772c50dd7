/** `qualys-ts/mock`: Prism mocks of the bundled specs on 127.0.0.1 for integration tests. */
export { startQualysMock, mockableModules, type QualysMock, type QualysMockOptions } from "./mock/index.js";
