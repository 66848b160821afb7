"""The GitHub workflows: valid YAML, the site published only after the tests pass and with the least permissions,
and the actions called with inputs they have."""
import yaml

from paths import ROOT
WF = ROOT/'.github'/'workflows'
# The inputs of AnswerDotAI/workflows/nbdev3-ci (its action.yml); an input it doesn't have is silently ignored by GitHub
NBDEV3_CI_INPUTS = {'pre', 'version', 'skip_test', 'flags', 'torch_cpu', 'skip_checkout', 'strip'}

def load(name): return yaml.safe_load((WF/name).read_text())

def needs(job) -> list:
    n = job.get('needs', [])
    return [n] if isinstance(n, str) else n

def upstream(jobs:dict, name:str) -> set:
    "Every job that `name` waits for, directly or not"
    res = set()
    for n in needs(jobs[name]): res |= {n} | upstream(jobs, n)
    return res

def test_workflows_are_valid_yaml():
    for f in WF.glob('*.y*ml'): assert isinstance(yaml.safe_load(f.read_text()), dict), f

def test_deploy_waits_for_the_tests():
    jobs = load('deploy.yaml')['jobs']
    testing = {n for n,j in jobs.items() if any('tools/test.sh' in s.get('run', '') for s in j.get('steps', []))}
    assert testing, "no job of deploy.yaml runs tools/test.sh"
    for n,j in jobs.items():
        if any('pages' in s.get('uses', '') for s in j.get('steps', [])):      # upload, configure or deploy the site
            assert upstream(jobs, n) & testing, f"job {n} of deploy.yaml touches Pages without waiting for the tests"

def test_deploy_permissions_are_the_least():
    wf = load('deploy.yaml')
    assert wf['permissions'] == {'contents': 'read'}
    for n,j in wf['jobs'].items():
        writes = {k for k,v in (j.get('permissions') or {}).items() if v == 'write'}
        deploys = any('deploy-pages' in s.get('uses', '') for s in j.get('steps', []))
        assert writes == ({'pages', 'id-token'} if deploys else set()), (n, writes)

def test_actions_get_inputs_they_have():
    for f in WF.glob('*.y*ml'):
        for n,j in yaml.safe_load(f.read_text())['jobs'].items():
            for s in j.get('steps', []):
                if 'nbdev3-ci' in s.get('uses', ''):
                    extra = set(s.get('with', {})) - NBDEV3_CI_INPUTS
                    assert not extra, f"{f.name} job {n} passes {sorted(extra)} to nbdev3-ci, which has no such input"

def test_ci_runs_the_notebooks_in_the_kernel_env():
    "nbdev3-ci runs nbdev-test; a step before it gives the job the variables of tools/kernel_env.py"
    steps = load('test.yaml')['jobs']['test']['steps']
    i = next(i for i,s in enumerate(steps) if 'nbdev3-ci' in s.get('uses', ''))
    assert any('kernel_env' in s.get('run', '') and 'GITHUB_ENV' in s.get('run', '') for s in steps[:i])
    if steps[i].get('with', {}).get('skip_checkout') == 'true': assert any('actions/checkout' in s.get('uses', '') for s in steps[:i])

def test_full_job_runs_on_colabs_python():
    full = load('test.yaml')['jobs']['full']
    assert full['strategy']['matrix']['python-version'] == ['3.11', '3.13']
    assert any(s.get('with', {}).get('python-version') == '${{ matrix.python-version }}' for s in full['steps'])
