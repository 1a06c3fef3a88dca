module llmcode.local/bridge

go 1.19
