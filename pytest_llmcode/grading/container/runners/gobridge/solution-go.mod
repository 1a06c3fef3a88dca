module solution

go 1.19

require llmcode.local/bridge v0.0.0

replace llmcode.local/bridge => /opt/llmcode/gobridge
