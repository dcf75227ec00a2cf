/**
 * Builds a one-node ONNX model (Conv or ConvTranspose, no bias) in memory for onnxruntime-node, with protobufjs and
 * the subset of onnx.proto (github.com/onnx/onnx, onnx/onnx.proto, IR version 8) that it needs.
 */
import protobuf from "protobufjs";

const schema = `
syntax = "proto2";
package onnx;
message AttributeProto { optional string name = 1; optional int64 i = 3; repeated int64 ints = 8; optional int32 type = 20; }
message TensorProto { repeated int64 dims = 1; optional int32 data_type = 2; optional string name = 8; optional bytes raw_data = 9; }
message TensorShapeProto { message Dimension { optional int64 dim_value = 1; } repeated Dimension dim = 1; }
message TypeProto { message Tensor { optional int32 elem_type = 1; optional TensorShapeProto shape = 2; } optional Tensor tensor_type = 1; }
message ValueInfoProto { optional string name = 1; optional TypeProto type = 2; }
message NodeProto { repeated string input = 1; repeated string output = 2; optional string name = 3; optional string op_type = 4; repeated AttributeProto attribute = 5; }
message GraphProto { repeated NodeProto node = 1; optional string name = 2; repeated TensorProto initializer = 5; repeated ValueInfoProto input = 11; repeated ValueInfoProto output = 12; }
message OperatorSetIdProto { optional string domain = 1; optional int64 version = 2; }
message ModelProto { optional int64 ir_version = 1; optional string producer_name = 2; optional GraphProto graph = 7; repeated OperatorSetIdProto opset_import = 8; }
`;
const Model = protobuf.parse(schema, { keepCase: true }).root.lookupType("onnx.ModelProto");
const FLOAT = 1,
  INT = 2,
  INTS = 7;

const valueInfo = (name, shape) => ({
  name,
  type: { tensor_type: { elem_type: FLOAT, shape: { dim: shape.map((d) => ({ dim_value: d })) } } },
});

/**
 * A model computing Y = Conv(X, W) (or ConvTranspose, with opType) with PyTorch's NCHW layout.
 * pads are per spatial dimension (symmetric); weight is (C_out, C_in / group, kH, kW), for
 * ConvTranspose (C_in, C_out / group, kH, kW).
 */
export function convModel({
  opType = "Conv",
  inputShape,
  weight,
  weightShape,
  outputShape,
  strides,
  pads,
  dilations,
  group,
}) {
  const bytes = new Uint8Array(weight.buffer, weight.byteOffset, weight.byteLength);
  return Model.encode(
    Model.fromObject({
      ir_version: 8,
      producer_name: "convkit-bench",
      opset_import: [{ domain: "", version: 17 }],
      graph: {
        name: "conv",
        node: [
          {
            input: ["X", "W"],
            output: ["Y"],
            name: "conv",
            op_type: opType,
            attribute: [
              { name: "kernel_shape", type: INTS, ints: weightShape.slice(2) },
              { name: "strides", type: INTS, ints: strides },
              { name: "pads", type: INTS, ints: [...pads, ...pads] },
              { name: "dilations", type: INTS, ints: dilations },
              { name: "group", type: INT, i: group },
            ],
          },
        ],
        initializer: [{ name: "W", dims: weightShape, data_type: FLOAT, raw_data: bytes }],
        input: [valueInfo("X", inputShape)],
        output: [valueInfo("Y", outputShape)],
      },
    }),
  ).finish();
}
