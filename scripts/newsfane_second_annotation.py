#!/usr/bin/env python3
"""Aligns NewsFANE's second annotation of ANERcorp train text
(newsfane-anercorp-train-overlap.txt) with ANERcorp on folded letters and
prints (1) per NewsFANE fine type, the ANERcorp tags of the same tokens (the
evidence for the type mapping in docs/ner.md) and (2) the candidate label
fixes of rule R1 (crates/arabic-text-train/data/anercorp-label-fixes.tsv,
reviewed by hand). Usage: python3 scripts/newsfane_second_annotation.py [SHARED]
(SHARED defaults to ../shared). Standard library only."""
import sys, collections
SHARED = sys.argv[1] if len(sys.argv) > 1 else '../shared'
nf_tag = None
import re,sys,collections
def fold(w):
    out=[]
    for c in w:
        o=ord(c)
        if 0x64B<=o<=0x65F or o==0x670 or c=='\u0640' or c in '\u200f\u200e\u200b\u200c\u200d\ufeff': continue
        c={'أ':'ا','إ':'ا','آ':'ا','ٱ':'ا','ى':'ي','ة':'ه'}.get(c,c)
        out.append(c)
    return ''.join(out)
# ANERcorp tokens like the Rust reader
toks=[]
for line in open(SHARED+'/data/anercorp/ANERCorp',encoding='utf-8'):
    line=line.replace('\u200f','').replace('\u00b7','.').replace('\u2022','.')
    f=line.split()
    if len(f)<2: continue
    if len(f)==3 and len(f[1])>1 and f[1].startswith('O') and f[1] not in ('O',):
        toks.append((f[0],'O')); toks.append((f[1][1:],f[2])); continue
    t=''.join(f[:-1])
    if t: toks.append((t,f[-1]))
n=len(toks)
# train limit: sentences containing first 5/6 words; approximate: token index < 5/6 n (exact handled in rust); we only use index
limit=n*5//6
chars=[];owner=[]
for i,(t,_) in enumerate(toks):
    for c in fold(t):
        if c.isalnum():
            chars.append(c);owner.append(i)
S=''.join(chars)
def read_nf(p):
    sents=[];cur=[]
    for line in open(p,encoding='utf-8'):
        line=line.rstrip('\n')
        if not line.strip():
            if cur: sents.append(cur);cur=[]
            continue
        w,t=line.split('\t')
        cur.append((w,t))
    if cur: sents.append(cur)
    return sents

sents=read_nf(SHARED+'/data/newsfane/newsfane-anercorp-train-overlap.txt')
# align each sentence: concatenated alnum chars of folded tokens
nf_tag={}  # anercorp token idx -> set of nf tags (B/I-fine)
ok=0;bad=0
pos_hint=0
for s in sents:
    cs=[];own=[]
    for j,(w,t) in enumerate(s):
        for c in fold(w):
            if c.isalnum(): cs.append(c);own.append(j)
    q=''.join(cs)
    if len(q)<15: bad+=1;continue
    k=S.find(q,max(0,pos_hint-200000))
    if k<0: k=S.find(q)
    if k<0: bad+=1;continue
    ok+=1;pos_hint=k
    # map nf token -> anercorp tokens
    m=collections.defaultdict(set)
    for a,b in zip(own,range(k,k+len(q))):
        m[a].add(owner[b])
    for j,(w,t) in enumerate(s):
        for i in m.get(j,()):
            nf_tag.setdefault(i,[]).append(t)
print('aligned',ok,'unaligned',bad,'tokens',len(nf_tag),file=sys.stderr)
nf = nf_tag

def ty(t): return t[2:] if t != 'O' else 'O'
D = collections.defaultdict(collections.Counter)
for i, tags in nf.items():
    ts = [ty(t) for t in tags if t != 'O']
    D[ts[0] if ts else 'O'][ty(toks[i][1])] += 1
print('NewsFANE type | aligned ANERcorp tokens | ANERcorp tags')
for f, c in sorted(D.items(), key=lambda x: -sum(x[1].values())):
    tot = sum(c.values())
    print(f, tot, ', '.join(f'{k} {100*v/tot:.0f}%' for k, v in c.most_common(3)), sep=' | ')
print()
print('candidate fixes (R1): index, length, tokens, ANERcorp tags, type, NewsFANE type, ANERcorp uses, context')

M={}
for t in 'Politician Athlete Artist Other_PER Religious_PER Businessperson Scientist Police Lawyer Engineer'.split(): M[t]='PERS'
for t in 'Nation Population-Center State-or-Province GPE-Cluster Continent Water-Body County-or-District Celestial'.split(): M[t]='LOC'
for t in 'Non-Governmental Sports Media Commercial Educational Entertainment'.split(): M[t]='ORG'
for t in 'Movie Book Land Hardware Software Air Water Food Drug Projectile'.split(): M[t]='MISC'
LIM=125088-3000
F=[fold(w) for w,_ in toks]
# occurrences of phrases in train and how labelled
def phrase_stats(ph):
    L=len(ph); c=collections.Counter()
    for i in range(LIM-L):
        if F[i]==ph[0] and F[i:i+L]==ph:
            labs=[toks[k][1] for k in range(i,i+L)]
            nxt=toks[i+L][1]
            if labs[0].startswith('B-') and all(l=='I-'+labs[0][2:] for l in labs[1:]) and not nxt.startswith('I-'):
                c[labs[0][2:]]+=1
            else: c['other']+=1
    return c
# NF mentions: group consecutive anercorp tokens with NF tags
# derive per anercorp token the NF mention id: need sentence-level; approximate: walk tokens in order
out=[]
i=0
seen=set()
keys=sorted(nf)
idx=0
while idx<len(keys):
    i=keys[idx]
    tags=[t for t in nf[i] if t!='O']
    if not tags or not tags[0].startswith('B-') or len(tags)!=1 or i>=LIM:
        idx+=1; continue
    fine=tags[0][2:]
    j=i+1
    while j in nf and [t for t in nf[j] if t!='O']==['I-'+fine]: j+=1
    idx+=1
    if fine not in M: continue
    T=M[fine]
    labs=[toks[k][1] for k in range(i,j)]
    if labs[0]=='B-'+T and all(l=='I-'+T for l in labs[1:]) and not toks[j][1].startswith('I-'): continue
    if labs[0].startswith('I-') or toks[j][1].startswith('I-'): continue
    # ANERcorp labels must be a clean O run or a clean single mention of another type
    if not (all(l=='O' for l in labs) or (labs[0].startswith('B-') and all(l=='I-'+labs[0][2:] for l in labs[1:]))): continue
    c=phrase_stats(F[i:j]); tot=sum(c.values())
    if c[T]>=3 and c[T]>=0.8*tot:
        out.append((i,j-i,' '.join(w for w,_ in toks[i:j]),' '.join(labs),T,fine,dict(c),' '.join(x for x,_ in toks[i-4:j+4])))
for o in out: print(*o,sep='\t')
print(len(out))
