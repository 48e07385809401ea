"""Independent numpy forward pass of all-MiniLM-L6-v2 (BERT, mean pooling, L2 norm)."""
import json, sys, numpy as np
from safetensors.numpy import load_file
from tokenizers import Tokenizer
from math import erf
d = sys.argv[1]
w = load_file(f"{d}/model.safetensors")
cfg = json.load(open(f"{d}/config.json"))
tok = Tokenizer.from_file(f"{d}/tokenizer.json")
tok.no_padding(); tok.enable_truncation(256)
H, heads = cfg["hidden_size"], cfg["num_attention_heads"]
def ln(x, p): 
    m = x.mean(-1, keepdims=True); v = ((x-m)**2).mean(-1, keepdims=True)
    return (x-m)/np.sqrt(v+1e-12)*w[p+".weight"]+w[p+".bias"]
verf = np.vectorize(erf)
def gelu(x): return 0.5*x*(1+verf(x/np.sqrt(2)))
def lin(x, p): return x @ w[p+".weight"].T + w[p+".bias"]
pre = "" if "embeddings.word_embeddings.weight" in w else "bert."
def embed(text):
    ids = np.array(tok.encode(text).ids)
    n = len(ids)
    x = w[pre+"embeddings.word_embeddings.weight"][ids] + w[pre+"embeddings.position_embeddings.weight"][:n] + w[pre+"embeddings.token_type_embeddings.weight"][0]
    x = ln(x, pre+"embeddings.LayerNorm").astype(np.float64)
    for l in range(cfg["num_hidden_layers"]):
        p = f"{pre}encoder.layer.{l}."
        q, k, v = (lin(x, p+f"attention.self.{t}").reshape(n, heads, -1).transpose(1,0,2) for t in ("query","key","value"))
        s = q @ k.transpose(0,2,1) / np.sqrt(H/heads)
        s = np.exp(s - s.max(-1, keepdims=True)); s /= s.sum(-1, keepdims=True)
        a = (s @ v).transpose(1,0,2).reshape(n, H)
        x = ln(lin(a, p+"attention.output.dense") + x, p+"attention.output.LayerNorm")
        h = gelu(lin(x, p+"intermediate.dense"))
        x = ln(lin(h, p+"output.dense") + x, p+"output.LayerNorm")
    e = x.mean(0)
    return e/np.linalg.norm(e)
texts = [l.rstrip("\n") for l in open(sys.argv[2])]
print(json.dumps([[round(float(v), 6) for v in embed(t)] for t in texts]))
