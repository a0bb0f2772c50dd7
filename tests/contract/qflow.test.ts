import { describe, expect } from "vitest";
import { createQflowClient } from "../../src/generated/qflow/index.js";
import { HttpError } from "../../src/runtime/errors/http-error.js";
import { contractTest, mockRuntime } from "../support/contract.js";

const workflowId = "f516bcf4-f6fb-46ac-a54f-ddbcf2a2d24a";
const executionId = "0e71f117-648f-4ad2-a3a9-8f1b857a1b70";
const createdBy = "created_by=0ffaf046-768b-79fc-83f6-aa25be52c2a1";

describe("QFlow against its Prism mock", () => {
  const qflow = () => createQflowClient(mockRuntime("qflow"));

  contractTest("qflow", "listWorkflows", async () => {
    const page = await qflow().listWorkflows({
      params: { query: { pageSize: 2, pageNumber: 1, query: "qflow.name: Publicly accessible RDS DB Instances" } },
    });
    expect(page.total).toBe(1);
    expect(page.items[0]?.id).toBe(workflowId);
    expect(page.items[0]?.tags).toEqual([createdBy]);
    // pageNumber is mandatory: the mock answers the documented 400 without it.
    const failure = await qflow()
      .listWorkflows({ params: { query: { pageSize: 2 } } } as never)
      .catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(HttpError);
    expect((failure as HttpError).status).toBe(400);
  });

  contractTest("qflow", "getWorkflow", async () => {
    const { data } = await qflow().getWorkflow({ params: { path: { workflowId } } });
    expect(data.revision).toBe("27653453ffa1beb74ce8d1aaabc55162377c4090ac14e3441fc900c798891ee2");
    expect(data.createdAt).toBe(1744786878828);
    // The definition is a JSON document inside a string.
    const definition = JSON.parse(data.definition ?? "{}") as { variables: { key: string; value: string[] }[] };
    expect(definition.variables.find((v) => v.key === "region")?.value).toEqual(["us-east-1"]);
  });

  contractTest("qflow", "runWorkflow", async () => {
    const { data } = await qflow().runWorkflow({
      params: { path: { workflowId } },
      body: {
        input: { buckets: ["test-bucket-1", "test-bucket-2"] },
        variables: { connectorId: "aa70acae-6ea8-3acf-b504-f327855b316a", region: "us-east-1" },
      },
    });
    expect(data.executionId).toBe("ee75301e-bbcf-4e7e-9cae-b6f99fc2060e");
    expect(data.workflowId).toBe(workflowId);
    expect(data.source).toBe("PUBLIC_API");
    expect(data.forceRun).toBe(true);
    // The body is optional.
    const bare = await qflow().runWorkflow({ params: { path: { workflowId } } });
    expect(bare.data.executionId).toBe("ee75301e-bbcf-4e7e-9cae-b6f99fc2060e");
  });

  contractTest("qflow", "listWorkflowExecutions", async () => {
    const page = await qflow().listWorkflowExecutions({
      params: {
        path: { workflowId },
        query: { pageSize: 2, pageNumber: 1, query: "status: Success", order: "-createdAt" },
      },
    });
    expect(page.total).toBe(2);
    expect(page.items.map((e) => e.execution)).toEqual([executionId, "0e72b4a1-abea-45b2-9ae9-91cd87506404"]);
    expect(page.items.every((e) => e.status === "Success")).toBe(true);
  });

  contractTest("qflow", "getExecution", async () => {
    const { data } = await qflow().getExecution({ params: { path: { executionId }, query: { includeSteps: false } } });
    expect(data.id).toBe(executionId);
    expect(data.workflow).toBe(workflowId);
    expect(data.customerId).toBe("54f50897-26f3-c9af-83f9-e71459be70d9");
    expect(data.status).toBe("Success");
    expect(data.details?.executionEndDate).toBe(1746007633097);
  });

  contractTest("qflow", "listExecutionSteps", async () => {
    const steps = await qflow().listExecutionSteps({
      params: { path: { executionId: "0e72b4a1-abea-45b2-9ae9-91cd87506404" }, query: { includeData: false } },
    });
    expect(steps.total).toBe(6);
    expect(steps.items[0]).toMatchObject({
      id: "01JT3585YRG0DHQNS9DNN432X3",
      eventOrder: 2,
      nodeId: "node-e3a84822-qualysevent",
      nodeType: "qualysevent",
      status: "Success",
    });
  });

  contractTest("qflow", "getExecutionStep", async () => {
    const step = await qflow().getExecutionStep({
      params: { path: { executionId: "0e72b4a1-abea-45b2-9ae9-91cd87506404", nodeId: "node-e3a84822-qualysevent" } },
    });
    expect(step.id).toBe("01JT3585YRG0DHQNS9DNN432X3");
    expect(step.execution).toBe("0e72b4a1-abea-45b2-9ae9-91cd87506404");
    expect(step.parDateKey).toBe("2025-04-30T00:00:00.000Z");
  });
});
